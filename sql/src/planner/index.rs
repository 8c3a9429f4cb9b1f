//! Index scans: WHERE terms that bound an index, and ORDER BY ... LIMIT read in index order.

use crate::expr::Expr;
use crate::plan::{IndexCond, Plan};
use crate::types::DataType;

impl Plan {
    /// Reads a table through an index where its WHERE clause bounds the
    /// index's leading columns by values known when the scan starts
    /// (constants, parameters, outer references): equalities on a prefix
    /// of the key columns, then at most a range on the next one. The
    /// Filter stays above to recheck. Without a cost model the index is
    /// used whenever it applies, the one bounding the most columns first,
    /// except on a table of one page, which PostgreSQL's costs always
    /// read sequentially (`blocks` tells a table's size).
    pub fn choose_index_scans(&mut self, blocks: &dyn Fn(&crate::catalog::TableDef) -> u32) {
        if let Plan::Limit { input, .. } = self {
            // ORDER BY ... LIMIT: an index in the sort's order replaces
            // the sort (the rows needed are read first).
            let sort = match &mut **input {
                Plan::Project { input: inner, .. } | Plan::LockRows { input: inner, .. }
                    if matches!(**inner, Plan::Sort { .. }) =>
                {
                    inner
                }
                other => other,
            };
            sort.sort_by_index(blocks);
        }
        if let Plan::Filter { input, predicate } = self {
            if let Plan::SeqScan { table, .. } = &**input {
                if blocks(table) < 2 {
                    return;
                }
                let conjuncts = conjuncts(predicate);
                let best = table
                    .indexes
                    .iter()
                    .filter_map(|ix| IndexCond::find(table, ix, &conjuncts).map(|c| (ix, c)))
                    .max_by_key(|(_, c)| {
                        (
                            c.eq.len(),
                            c.lower.is_some() || c.upper.is_some() || !c.any.is_empty(),
                        )
                    });
                if let Some((ix, cond)) = best {
                    **input = index_scan(input, ix, cond);
                }
                return;
            }
        }
        for c in self.children_mut() {
            c.choose_index_scans(blocks);
        }
    }

    /// A Sort over a projection of one table's scan, on keys that are the
    /// leading columns of one of its indexes, all ascending NULLS LAST or
    /// all descending NULLS FIRST, becomes that projection over an index
    /// scan in key order, forward or backward (within the WHERE clause's
    /// key range, if it gives one).
    fn sort_by_index(&mut self, blocks: &dyn Fn(&crate::catalog::TableDef) -> u32) {
        let Plan::Sort { input, keys } = self else {
            return;
        };
        // All ascending NULLS LAST is the index order; all descending
        // NULLS FIRST is the same order read backward.
        let backward = if keys.iter().all(|k| !k.desc && !k.nulls_first) {
            false
        } else if keys.iter().all(|k| k.desc && k.nulls_first) {
            true
        } else {
            return;
        };
        let Plan::Project {
            input: below,
            exprs,
        } = &mut **input
        else {
            return;
        };
        let (scan, predicate) = match &mut **below {
            Plan::Filter { input, predicate } => (&mut **input, Some(&*predicate)),
            other => (other, None),
        };
        let Plan::SeqScan { table, .. } = &*scan else {
            return;
        };
        if blocks(table) < 2 {
            return;
        }
        let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
        let attrs: Option<Vec<usize>> = keys
            .iter()
            .map(|k| match exprs.get(k.column)?.kind {
                crate::expr::ExprKind::Column(c) => live.get(c).copied(),
                _ => None,
            })
            .collect();
        let Some(attrs) = attrs else { return };
        let ordered = |a: &usize| table.columns.get(*a).is_some_and(|c| index_scannable(c.ty));
        let Some(ix) = table.indexes.iter().find(|ix| {
            ix.method == 403
                && ix.exprs.is_none()
                && ix.columns.starts_with(&attrs)
                && attrs.iter().all(ordered)
        }) else {
            return;
        };
        let conjuncts = predicate.map(conjuncts).unwrap_or_default();
        let mut cond = IndexCond::find(table, ix, &conjuncts).unwrap_or_default();
        cond.backward = backward;
        let indexed = index_scan(scan, ix, cond);
        *scan = indexed;
        let unsorted = std::mem::replace(&mut **input, Plan::OneRow);
        *self = unsorted;
    }
}

/// The sequential scan `scan` read through index `ix` within `cond`
/// instead (same rows, same columns).
fn index_scan(scan: &Plan, ix: &crate::catalog::IndexDef, cond: IndexCond) -> Plan {
    match scan {
        Plan::SeqScan {
            table,
            with_tid,
            needed,
            alias,
        } => Plan::IndexScan {
            table: std::sync::Arc::clone(table),
            with_tid: *with_tid,
            needed: *needed,
            alias: alias.clone(),
            index: Box::new(ix.clone()),
            cond: Box::new(cond),
        },
        other => other.clone(),
    }
}

/// The terms of a WHERE clause joined by AND.
fn conjuncts(predicate: &Expr) -> Vec<&Expr> {
    match &predicate.kind {
        crate::expr::ExprKind::And(v) => v.iter().collect(),
        _ => vec![predicate],
    }
}

/// Key columns of these types compare exactly as their key bytes
/// (bpchar ignores trailing blanks, so it is left out).
pub(super) fn index_scannable(ty: DataType) -> bool {
    use DataType::*;
    matches!(
        ty,
        Bool | Int2
            | Int4
            | Int8
            | Float4
            | Float8
            | Numeric
            | Text
            | Varchar
            | Name
            | Bytea
            | Date
            | Time
            | Timestamp
            | TimestampTz
            | Uuid
            | Oid
            | Enum(_)
    )
}

/// One key column of an index: a table column, or an expression as
/// stored (its printed form).
#[derive(PartialEq)]
enum Key {
    Column(usize),
    Expr(String),
}

/// The terms of a stored predicate joined by AND, each printed as the
/// planner prints a WHERE clause's conjuncts: `((a > 0) AND (b IS
/// NULL))` has the terms `(a > 0)` and `(b IS NULL)`.
fn predicate_terms(p: &str) -> Vec<String> {
    let Ok(e) = crate::parser::parse_expr(p) else {
        return Vec::new();
    };
    use sqlparser::ast::{BinaryOperator, Expr as Ast};
    let and = |x: &Ast| {
        matches!(
            x,
            Ast::BinaryOp {
                op: BinaryOperator::And,
                ..
            }
        )
    };
    let mut out = Vec::new();
    let mut stack = vec![&e];
    while let Some(x) = stack.pop() {
        match x {
            Ast::Nested(inner) if and(inner) => stack.push(inner),
            Ast::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                stack.push(right);
                stack.push(left);
            }
            other => out.push(other.to_string()),
        }
    }
    out
}

/// Whether `e` has one value for the whole scan: no column of the
/// scanned row, no subquery, nothing volatile.
fn scan_constant(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| match &x.kind {
        crate::expr::ExprKind::Column(_)
        | crate::expr::ExprKind::SubLink(_)
        | crate::expr::ExprKind::Aggregate(_)
        | crate::expr::ExprKind::Window(_)
        | crate::expr::ExprKind::SetCall { .. } => ok = false,
        k if k.volatility() == Some(crate::func::Volatility::Volatile) => ok = false,
        _ => {}
    });
    ok
}

impl IndexCond {
    /// The range `conjuncts` give index `ix` of `table`, if they bound its
    /// first column at least. A key expression is matched by its printed
    /// form; a partial index serves only conjuncts that include each term
    /// of its predicate.
    fn find(
        table: &crate::catalog::TableDef,
        ix: &crate::catalog::IndexDef,
        conjuncts: &[&Expr],
    ) -> Option<IndexCond> {
        // gin, gist, spgist and brin indexes hold no entries.
        if !ix.has_entries() {
            return None;
        }
        // Output column n of the scan is live column n.
        let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
        let names: Vec<String> = table.live().map(|(_, c)| c.name.clone()).collect();
        let printed = |e: &Expr| {
            crate::deparse::Deparser {
                columns: &names,
                pretty: false,
                types: None,
                qualifiers: None,
                special: None,
                indent: 0,
            }
            .expr(e)
        };
        let keys: Vec<Key> = match &ix.exprs {
            None => ix.columns.iter().map(|&a| Key::Column(a)).collect(),
            Some(x) => {
                if let Some(p) = &x.predicate {
                    let have: Vec<String> = conjuncts.iter().filter_map(|c| printed(c)).collect();
                    let implied = crate::parser::parse_expr(p).is_ok()
                        && predicate_terms(p).iter().all(|t| have.contains(t));
                    if !implied {
                        return None;
                    }
                }
                let mut texts = x.exprs.iter();
                x.keys
                    .iter()
                    .map(|k| match k {
                        Some(a) => Key::Column(*a),
                        None => Key::Expr(texts.next().cloned().unwrap_or_default()),
                    })
                    .collect()
            }
        };
        // The key `e` is (with its type), if it is one.
        let key_of = |e: &Expr| -> Option<(usize, DataType)> {
            match &e.kind {
                crate::expr::ExprKind::Column(n) => {
                    let attr = *live.get(*n)?;
                    let ty = table.columns.get(attr)?.ty;
                    let k = keys.iter().position(|k| *k == Key::Column(attr))?;
                    Some((k, ty))
                }
                crate::expr::ExprKind::Const(_) => None,
                _ => {
                    if !keys.iter().any(|k| matches!(k, Key::Expr(_))) {
                        return None;
                    }
                    let text = printed(e)?;
                    let k = keys.iter().position(|k| *k == Key::Expr(text.clone()))?;
                    Some((k, e.ty))
                }
            }
        };
        // (key, operator, value) for each conjunct `key op value`.
        let terms: Vec<(usize, &str, &Expr)> = conjuncts
            .iter()
            .filter_map(|c| {
                let crate::expr::ExprKind::Call { def, args } = &c.kind else {
                    return None;
                };
                let [l, r] = args.as_slice() else { return None };
                if def.args.len() != 2 || def.args[0] != def.args[1] {
                    return None;
                }
                let flip = |op: &'static str| match op {
                    "<" => ">",
                    "<=" => ">=",
                    ">" => "<",
                    ">=" => "<=",
                    o => o,
                };
                let ((k, ty), op, val) = if scan_constant(r) {
                    (key_of(l)?, def.name, r)
                } else if scan_constant(l) {
                    (key_of(r)?, flip(def.name), l)
                } else {
                    return None;
                };
                let same = ty == def.args[0] && val.ty == ty;
                (same && index_scannable(ty) && matches!(op, "=" | "<" | "<=" | ">" | ">="))
                    .then_some((k, op, val))
            })
            .collect();
        // `key IN (values)` and `key = v1 OR key = v2 ...`.
        let lists: Vec<(usize, Vec<&Expr>)> = conjuncts
            .iter()
            .filter_map(|c| Self::value_list(&key_of, c))
            .collect();
        let mut cond = IndexCond::default();
        for k in 0..keys.len() {
            if let Some((_, _, v)) = terms.iter().find(|(a, op, _)| *a == k && *op == "=") {
                cond.eq.push((*v).clone());
                continue;
            }
            if let Some((_, values)) = lists.iter().find(|(a, _)| *a == k) {
                cond.any = values.iter().map(|v| (*v).clone()).collect();
                break;
            }
            for (a, op, v) in &terms {
                if *a != k {
                    continue;
                }
                match *op {
                    ">" | ">=" if cond.lower.is_none() => {
                        cond.lower = Some(((*v).clone(), *op == ">="))
                    }
                    "<" | "<=" if cond.upper.is_none() => {
                        cond.upper = Some(((*v).clone(), *op == "<="))
                    }
                    _ => {}
                }
            }
            break;
        }
        // A hash index answers equalities only.
        if ix.method != 403 {
            cond.lower = None;
            cond.upper = None;
        }
        (!cond.eq.is_empty()
            || cond.lower.is_some()
            || cond.upper.is_some()
            || !cond.any.is_empty())
        .then_some(cond)
    }

    /// The key and values of `key IN (v, ...)` or `key = v OR key = w
    /// ...`, each value fixed for the scan and of the key's type.
    fn value_list<'e>(
        key_of: &dyn Fn(&Expr) -> Option<(usize, DataType)>,
        e: &'e Expr,
    ) -> Option<(usize, Vec<&'e Expr>)> {
        use crate::expr::ExprKind;
        let column_of = |e: &Expr| key_of(e).map(|(k, _)| k);
        let fits = |e: &Expr, v: &Expr, eq: &crate::func::FuncDef| {
            let ty = key_of(e).map(|(_, t)| t);
            ty == Some(v.ty)
                && eq.args.len() == 2
                && Some(eq.args[0]) == ty
                && eq.args[1] == eq.args[0]
                && index_scannable(v.ty)
                && scan_constant(v)
        };
        match &e.kind {
            ExprKind::InList {
                arg,
                list,
                negated: false,
            } => {
                let attr = column_of(arg)?;
                list.iter()
                    .all(|(v, eq)| fits(arg, v, eq))
                    .then(|| (attr, list.iter().map(|(v, _)| v).collect()))
            }
            ExprKind::Or(alternatives) => {
                let mut attr = None;
                let mut values = Vec::with_capacity(alternatives.len());
                for a in alternatives {
                    let ExprKind::Call { def, args } = &a.kind else {
                        return None;
                    };
                    let [l, r] = args.as_slice() else { return None };
                    if def.name != "=" {
                        return None;
                    }
                    let (c, k, v) = match (column_of(l), column_of(r)) {
                        (Some(c), None) => (c, l, r),
                        (None, Some(c)) => (c, r, l),
                        _ => return None,
                    };
                    if attr.is_some_and(|x| x != c) || !fits(k, v, def) {
                        return None;
                    }
                    attr = Some(c);
                    values.push(v);
                }
                attr.map(|a| (a, values))
            }
            _ => None,
        }
    }
}
