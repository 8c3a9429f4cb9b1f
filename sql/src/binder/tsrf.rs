//! Set-returning calls in a select list, ORDER BY, GROUP BY, DISTINCT ON
//! and window definitions (PostgreSQL's split_pathtarget_at_srfs).
//!
//! The binder leaves each such call as an [`ExprKind::SetCall`] node. When
//! the select is planned, the calls move into ProjectSet nodes: one per
//! nesting level (`generate_series(1, generate_series(1, 3))` needs two),
//! each passing its input through and adding its calls' values, so an
//! expression around a call reads it as a column. The calls of one level
//! run in lockstep, as PostgreSQL's ProjectSet runs them. Where the calls
//! go depends on what needs them: under the Aggregate for a GROUP BY
//! expression, under the Window node for a window's PARTITION BY / ORDER
//! BY, otherwise over the grouped and windowed rows — after the sort when
//! no sort key needs a call (make_sort_input_target), so the rows of one
//! input row stay in series order.

use crate::error::Result;
use crate::expr::{Expr, ExprKind};
use crate::plan::{Plan, ProjectItem, SortKey, Srf};
use crate::types::DataType;
use crate::value::Value;

/// Column numbers at and above this stand for lifted calls until they get
/// their place in a ProjectSet.
const LIFTED: usize = usize::MAX / 2;

/// One lifted call.
struct Lifted {
    fingerprint: String,
    func: Srf,
    args: Vec<Expr>,
    level: usize,
    ty: DataType,
    typmod: i32,
}

/// Whether `e` holds a set-returning call of this query.
pub(super) fn has_srf(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| found |= matches!(x.kind, ExprKind::SetCall { .. }));
    found
}

/// The fingerprints of the calls inside window definitions (PARTITION
/// BY, ORDER BY) of `exprs`' window functions.
pub(super) fn window_srfs(exprs: &[Expr]) -> Vec<String> {
    let mut out = Vec::new();
    for e in exprs {
        e.visit(&mut |x| {
            if let ExprKind::Window(w) = &x.kind {
                let keys = w.partition.iter().chain(w.order.iter().map(|(k, _, _)| k));
                for k in keys {
                    k.visit(&mut |y| {
                        if matches!(y.kind, ExprKind::SetCall { .. }) {
                            out.push(y.fingerprint());
                        }
                    });
                }
            }
        });
    }
    out
}

/// Replaces the calls `wanted` selects (and the calls inside their
/// arguments) by placeholder columns, recording them in `calls`.
fn lift(
    e: Expr,
    calls: &mut Vec<Lifted>,
    wanted: &dyn Fn(&Expr) -> bool,
    force: bool,
) -> Result<Expr> {
    crate::stack::check()?;
    let take = matches!(e.kind, ExprKind::SetCall { .. }) && (force || wanted(&e));
    let Expr {
        kind,
        ty,
        typmod,
        pos,
    } = e;
    let (func, args) = match kind {
        ExprKind::SetCall { func, args } if take => (func, args),
        kind => {
            return Ok(Expr {
                kind: kind.map_children(|c| lift(c, calls, wanted, force))?,
                ty,
                typmod,
                pos,
            })
        }
    };
    let mut lifted = Vec::with_capacity(args.len());
    for a in args {
        lifted.push(lift(a, calls, wanted, true)?);
    }
    let mut level = 1;
    for a in &lifted {
        a.visit(&mut |x| {
            if let ExprKind::Column(c) = x.kind {
                if c >= LIFTED {
                    level = level.max(calls[c - LIFTED].level + 1);
                }
            }
        });
    }
    let fingerprint = Expr {
        kind: ExprKind::SetCall {
            func,
            args: lifted.clone(),
        },
        ty,
        typmod,
        pos: None,
    }
    .fingerprint();
    let id = match calls.iter().position(|c| c.fingerprint == fingerprint) {
        Some(id) => id,
        None => {
            calls.push(Lifted {
                fingerprint,
                func,
                args: lifted,
                level,
                ty,
                typmod,
            });
            calls.len() - 1
        }
    };
    Ok(Expr {
        kind: ExprKind::Column(LIFTED + id),
        ty,
        typmod,
        pos: None,
    })
}

/// Points placeholder columns at the calls' places.
fn place(e: Expr, places: &[usize]) -> Result<Expr> {
    e.replace_columns(&mut |c, col| match c {
        c if c >= LIFTED => Expr {
            kind: ExprKind::Column(places[c - LIFTED]),
            ..col
        },
        _ => col,
    })
}

/// The type of each of the first `width` columns as `exprs` read them
/// (unknown for a column nothing reads).
fn column_types(exprs: &[Expr], width: usize) -> Vec<(DataType, i32)> {
    let mut types = vec![(DataType::Unknown, -1); width];
    for e in exprs {
        e.visit(&mut |x| {
            if let ExprKind::Column(c) = x.kind {
                if c < width && types[c].0 == DataType::Unknown {
                    types[c] = (x.ty, x.typmod);
                }
            }
        });
    }
    types
}

fn column(i: usize, (ty, typmod): (DataType, i32)) -> Expr {
    Expr {
        kind: ExprKind::Column(i),
        ty,
        typmod,
        pos: None,
    }
}

/// Moves the calls of `exprs` that `wanted` selects into ProjectSet nodes
/// over `plan` (whose rows have `width` columns): the result passes the
/// `width` columns through and adds one per call; `exprs` read the calls
/// from there. Returns the new plan and its width.
pub(super) fn split(
    plan: Plan,
    width: usize,
    exprs: &mut [Expr],
    wanted: &dyn Fn(&Expr) -> bool,
) -> Result<(Plan, usize)> {
    let mut calls = Vec::new();
    for e in exprs.iter_mut() {
        let owned = std::mem::replace(e, Expr::constant(Value::Null, DataType::Unknown));
        *e = lift(owned, &mut calls, wanted, false)?;
    }
    if calls.is_empty() {
        return Ok((plan, width));
    }
    let (plan, places) = levels(plan, width, exprs, calls)?;
    for e in exprs.iter_mut() {
        let owned = std::mem::replace(e, Expr::constant(Value::Null, DataType::Unknown));
        *e = place(owned, &places)?;
    }
    let width = width + places.len();
    Ok((plan, width))
}

/// One ProjectSet per nesting level over `plan`; returns it and each
/// call's column.
fn levels(
    mut plan: Plan,
    width: usize,
    exprs: &[Expr],
    calls: Vec<Lifted>,
) -> Result<(Plan, Vec<usize>)> {
    let mut types = column_types(exprs, width);
    for c in &calls {
        let more = column_types(&c.args, width);
        for (t, m) in types.iter_mut().zip(more) {
            if t.0 == DataType::Unknown {
                *t = m;
            }
        }
    }
    // Each level passes every column so far through and adds its calls;
    // a call's arguments read only lower levels' calls, already placed.
    let deepest = calls.iter().map(|c| c.level).max().unwrap_or(0);
    let mut places = vec![0; calls.len()];
    for level in 1..=deepest {
        let mut items: Vec<ProjectItem> = types
            .iter()
            .enumerate()
            .map(|(i, t)| ProjectItem::Scalar(column(i, *t)))
            .collect();
        for (id, c) in calls.iter().enumerate().filter(|(_, c)| c.level == level) {
            let mut args = Vec::with_capacity(c.args.len());
            for a in &c.args {
                args.push(place(a.clone(), &places)?);
            }
            places[id] = items.len();
            types.push((c.ty, c.typmod));
            items.push(ProjectItem::Set(c.func, args));
        }
        plan = Plan::ProjectSet {
            input: Box::new(plan),
            items,
        };
    }
    Ok((plan, places))
}

/// The select list over `plan` (rows of `width` columns) when it holds
/// set-returning calls: a ProjectSet computing it directly when every
/// call is an item of its own and none nests, else ProjectSet nodes
/// below a projection.
pub(super) fn project(plan: Plan, width: usize, mut exprs: Vec<Expr>) -> Result<Plan> {
    let direct = exprs.iter().all(|e| match &e.kind {
        ExprKind::SetCall { args, .. } => !args.iter().any(has_srf),
        _ => !has_srf(e),
    });
    if direct {
        let items = exprs
            .into_iter()
            .map(|e| match e.kind {
                ExprKind::SetCall { func, args } => ProjectItem::Set(func, args),
                _ => ProjectItem::Scalar(e),
            })
            .collect();
        return Ok(Plan::ProjectSet {
            input: Box::new(plan),
            items,
        });
    }
    let (plan, _) = split(plan, width, &mut exprs, &|_| true)?;
    Ok(Plan::Project {
        input: Box::new(plan),
        exprs,
    })
}

/// Whether the `late` items of the select list (set-returning calls,
/// volatile ones) can wait until after the sort (and DISTINCT ON): there
/// is an ORDER BY, no sort or DISTINCT ON key is one, and none reads
/// the row through a correlated subquery (its columns move).
pub(super) fn postponable(
    exprs: &[Expr],
    keys: &[SortKey],
    distinct: Option<&Option<Vec<usize>>>,
    late: &dyn Fn(&Expr) -> bool,
) -> bool {
    let on = distinct.and_then(|d| d.as_deref()).unwrap_or_default();
    !keys.is_empty()
        && keys.iter().all(|k| !late(&exprs[k.column]))
        && on.iter().all(|&c| !late(&exprs[c]))
        && exprs.iter().filter(|e| late(e)).all(|e| {
            let mut correlated = false;
            e.visit(&mut |x| correlated |= matches!(&x.kind, ExprKind::SubLink(s) if s.correlated));
            !correlated
        })
}

/// The select list over `plan` (rows of `width` columns) without its
/// `late` items, for the sort: the other items in their places (NULL
/// where a late item is) and then the input columns. Returns it, the
/// select list over its rows, and their width.
pub(super) fn before_sort(
    plan: Plan,
    width: usize,
    exprs: Vec<Expr>,
    late: &dyn Fn(&Expr) -> bool,
) -> Result<(Plan, Vec<Expr>, usize)> {
    let n = exprs.len();
    let mut before = Vec::with_capacity(n + width);
    let mut after = Vec::with_capacity(n);
    let types = column_types(&exprs, width);
    for (i, e) in exprs.into_iter().enumerate() {
        if late(&e) {
            before.push(Expr::constant(Value::Null, e.ty));
            after.push(shift(e, n)?);
        } else {
            after.push(column(i, (e.ty, e.typmod)));
            before.push(e);
        }
    }
    before.extend(types.into_iter().enumerate().map(|(i, t)| column(i, t)));
    let plan = Plan::Project {
        input: Box::new(plan),
        exprs: before,
    };
    Ok((plan, after, n + width))
}

/// `e` with every column number moved up by `by`.
fn shift(e: Expr, by: usize) -> Result<Expr> {
    e.replace_columns(&mut |c, col| Expr {
        kind: ExprKind::Column(c + by),
        ..col
    })
}

/// Whether a row of expressions calls a set-returning function by name
/// (the single row of `INSERT ... VALUES`, which PostgreSQL reads as a
/// select list).
pub(crate) fn mentions_srf(row: &[sqlparser::ast::Expr]) -> bool {
    let found = row.iter().try_for_each(|item| {
        sqlparser::ast::visit_expressions(item, |e| match e {
            sqlparser::ast::Expr::Function(f) => {
                let name = super::names::object_name(&f.name);
                if name.last().is_some_and(|n| super::srf::is_srf(n)) {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            }
            _ => std::ops::ControlFlow::Continue(()),
        })
    });
    found.is_break()
}

impl super::Binder<'_> {
    /// The single row of `INSERT ... VALUES (...)` holding set-returning
    /// calls, bound as the select list `SELECT ...` (PostgreSQL's
    /// EXPR_KIND_VALUES_SINGLE): one row per step of its series.
    ///
    /// `defaults` holds, at each position written DEFAULT, the target
    /// column's default.
    pub(crate) fn values_select(
        &mut self,
        row: &[sqlparser::ast::Expr],
        defaults: &[Option<Expr>],
    ) -> Result<crate::plan::BoundQuery> {
        let scope = super::Scope::default();
        let outer = self.srf_width.replace(0);
        let mut exprs = Vec::with_capacity(row.len());
        let mut failed = None;
        for (k, e) in row.iter().enumerate() {
            if let Some(Some(d)) = defaults.get(k) {
                exprs.push(d.clone());
                continue;
            }
            match self.expr(e, &scope) {
                Ok(b) => exprs.push(b),
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            }
        }
        self.srf_width = outer;
        if let Some(err) = failed {
            return Err(err);
        }
        let columns = exprs
            .iter()
            .enumerate()
            .map(|(i, e)| crate::plan::OutputColumn {
                name: format!("column{}", i + 1),
                ty: e.ty,
                typmod: e.typmod,
                table_oid: 0,
                attnum: 0,
            })
            .collect();
        let plan = project(Plan::Values(vec![Vec::new()]), 0, exprs)?;
        Ok(crate::plan::BoundQuery { plan, columns })
    }
}
