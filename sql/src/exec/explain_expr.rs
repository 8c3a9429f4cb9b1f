//! Expressions and column names as EXPLAIN prints them: PostgreSQL's
//! ruleutils without pretty-printing — every operator and boolean
//! combination in parentheses (`((a = 1) AND (b < 2))`), casts as
//! `(x)::type`, constants as `'text'::text` or bare numbers, columns
//! qualified by their relation's name when the plan reads more than one.

use crate::expr::{Expr, ExprKind, SubLinkKind};
use crate::plan::{JoinKind, Plan, ProjectItem};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// What names mean while printing: the columns of the row an expression
/// reads, and those of the rows of enclosing nested loops (innermost
/// last) its outer references read.
pub struct Names<'a> {
    /// The row's columns.
    pub cols: &'a [String],
    /// Outer rows' columns.
    pub outer: &'a [Vec<String>],
    /// How each subquery shown so far is referred to (`$0`, `(SubPlan
    /// 1)`, `(hashed SubPlan 2)`), by its address.
    pub subplans: Option<&'a std::collections::HashMap<usize, String>>,
}

impl<'a> Names<'a> {
    /// Columns and outer rows, no subqueries numbered.
    pub fn plain(cols: &'a [String], outer: &'a [Vec<String>]) -> Names<'a> {
        Names {
            cols,
            outer,
            subplans: None,
        }
    }
}

/// `e` as EXPLAIN prints it.
pub fn expr(e: &Expr, n: &Names<'_>) -> String {
    let sub = |x: &Expr| expr(x, n);
    match &e.kind {
        ExprKind::Column(i) => n.cols.get(*i).cloned().unwrap_or_else(|| "?".into()),
        ExprKind::Outer { depth, index } => n
            .outer
            .len()
            .checked_sub(*depth)
            .and_then(|d| n.outer.get(d))
            .and_then(|row| row.get(*index))
            .cloned()
            .unwrap_or_else(|| "$?".into()),
        ExprKind::Param(i) => format!("${}", i + 1),
        ExprKind::UserCall(c) => format!(
            "{}({})",
            c.func.name,
            c.args.iter().map(sub).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Const(v) => constant(v, e.ty, e.typmod),
        ExprKind::Call { def, args } => {
            let operator =
                !def.name.is_empty() && def.name.chars().all(|c| "+-*/<>=~!@#%^&|`?".contains(c));
            match (operator, &args[..]) {
                _ if def.name == "array" => format!(
                    "ARRAY[{}]",
                    args.iter().map(sub).collect::<Vec<_>>().join(", ")
                ),
                (true, [l, r]) => format!("({} {} {})", sub(l), def.name, sub(r)),
                (true, [x]) => format!("({} {})", def.name, sub(x)),
                _ => format!(
                    "{}({})",
                    def.name,
                    args.iter().map(sub).collect::<Vec<_>>().join(", ")
                ),
            }
        }
        ExprKind::And(items) => join(items, " AND ", n),
        ExprKind::Or(items) => join(items, " OR ", n),
        ExprKind::Not(x) => format!("(NOT {})", sub(x)),
        ExprKind::Cast { arg, .. } => format!(
            "({})::{}",
            sub(arg),
            crate::func::format_type(e.ty, e.typmod)
        ),
        ExprKind::IsNull { arg, negated } => format!(
            "({} IS {}NULL)",
            sub(arg),
            if *negated { "NOT " } else { "" }
        ),
        // A correlated EXISTS the planner turned into a hashed IN shows
        // as PostgreSQL shows its hashed alternative: the SubPlan alone.
        ExprKind::IsBool {
            arg,
            value: Some(true),
            negated: false,
        } if matches!(&arg.kind, ExprKind::SubLink(s) if matches!(s.kind, SubLinkKind::Any { .. })) => {
            sub(arg)
        }
        ExprKind::IsBool {
            arg,
            value,
            negated,
        } => format!(
            "({} IS {}{})",
            sub(arg),
            if *negated { "NOT " } else { "" },
            match value {
                Some(true) => "TRUE",
                Some(false) => "FALSE",
                None => "UNKNOWN",
            }
        ),
        ExprKind::InList { arg, list, negated } => {
            let items: Vec<&Expr> = list.iter().map(|(x, _)| x).collect();
            let array = array_of(&items, n);
            if *negated {
                format!("({} <> ALL ({array}))", sub(arg))
            } else {
                format!("({} = ANY ({array}))", sub(arg))
            }
        }
        ExprKind::SubLink(s) => match n
            .subplans
            .and_then(|m| m.get(&(std::ptr::from_ref::<crate::expr::SubLink>(s) as usize)))
        {
            Some(r) => r.clone(),
            None => match &s.kind {
                SubLinkKind::Any { arg, op } => {
                    format!("({} {} ANY (SubPlan))", sub(arg), op.name)
                }
                SubLinkKind::All { arg, op } => {
                    format!("({} {} ALL (SubPlan))", sub(arg), op.name)
                }
                _ => "(SubPlan)".into(),
            },
        },
        ExprKind::Coalesce(items) => format!(
            "COALESCE({})",
            items.iter().map(sub).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::ArrayOp {
            arg,
            array,
            op,
            any,
        } => format!(
            "({} {} {} ({}))",
            sub(arg),
            op.name,
            if *any { "ANY" } else { "ALL" },
            sub(array)
        ),
        ExprKind::Case { whens, otherwise } => {
            let mut s = String::from("CASE");
            for (w, t) in whens {
                s.push_str(&format!(" WHEN {} THEN {}", sub(w), sub(t)));
            }
            if let Some(o) = otherwise {
                s.push_str(&format!(" ELSE {}", sub(o)));
            }
            s.push_str(" END");
            s
        }
        ExprKind::NullIf { left, right, .. } => {
            format!("NULLIF({}, {})", sub(left), sub(right))
        }
        ExprKind::MinMax { args, cmp } => format!(
            "{}({})",
            if cmp.name == ">" { "GREATEST" } else { "LEAST" },
            args.iter().map(sub).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::DistinctFrom {
            left,
            right,
            negated,
            ..
        } => format!(
            "({} IS {}DISTINCT FROM {})",
            sub(left),
            if *negated { "NOT " } else { "" },
            sub(right)
        ),
        ExprKind::Aggregate(_) | ExprKind::Window(_) | ExprKind::SetCall { .. } => "?".into(),
    }
}

/// A list of values as an array: a literal (`'{1,2}'::integer[]`) when
/// all are constants, else `ARRAY[...]`.
pub fn array_of(items: &[&Expr], n: &Names<'_>) -> String {
    let texts: Option<Vec<String>> = items
        .iter()
        .map(|e| match &e.kind {
            ExprKind::Const(v) => v.to_text(&OutputStyle::default()).map(|t| {
                let plain = !t.is_empty()
                    && !t.eq_ignore_ascii_case("null")
                    && !t.contains(|c: char| "{},\"\\ ".contains(c));
                if plain {
                    t
                } else {
                    format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
                }
            }),
            _ => None,
        })
        .collect();
    match (texts, items.first()) {
        (Some(t), Some(first)) => format!(
            "{}::{}[]",
            crate::func::quote_literal(&format!("{{{}}}", t.join(","))),
            crate::func::format_type(first.ty, first.typmod)
        ),
        _ => format!(
            "ARRAY[{}]",
            items
                .iter()
                .map(|e| expr(e, n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn join(items: &[Expr], sep: &str, n: &Names<'_>) -> String {
    format!(
        "({})",
        items
            .iter()
            .map(|x| expr(x, n))
            .collect::<Vec<_>>()
            .join(sep)
    )
}

/// A constant: numbers bare (negative ones quoted with their type, as
/// PostgreSQL prints them), booleans as words, the rest quoted and cast.
fn constant(v: &Value, ty: DataType, typmod: i32) -> String {
    let type_name = crate::func::format_type(ty, typmod);
    let Some(text) = v.to_text(&OutputStyle::default()) else {
        return format!("NULL::{type_name}");
    };
    match ty {
        DataType::Bool => text.replace('t', "true").replace('f', "false"),
        // bigint constants compared with bigint columns are int4 literals
        // in PostgreSQL (a cross-type operator), printed bare.
        DataType::Int4 | DataType::Int8 | DataType::Numeric if !text.starts_with('-') => text,
        _ => format!("{}::{type_name}", crate::func::quote_literal(&text)),
    }
}

/// Whether output column `col` of `plan` is a table's column passed up
/// (not an expression computed on the way).
pub fn is_column(plan: &Plan, col: usize) -> bool {
    match plan {
        Plan::SeqScan { .. } | Plan::IndexScan { .. } | Plan::SystemView(_) => true,
        Plan::Filter { input, .. }
        | Plan::Sort { input, .. }
        | Plan::Limit { input, .. }
        | Plan::LockRows { input, .. }
        | Plan::Distinct { input, .. }
        | Plan::Gather { input, .. } => is_column(input, col),
        Plan::Project { input, exprs } => match exprs.get(col).map(|e| &e.kind) {
            Some(ExprKind::Column(c)) => is_column(input, *c),
            _ => false,
        },
        Plan::Permute { input, columns } => columns.get(col).is_some_and(|&c| is_column(input, c)),
        Plan::Join {
            left,
            right,
            left_width,
            ..
        } => {
            if col < *left_width {
                is_column(left, col)
            } else {
                is_column(right, col - left_width)
            }
        }
        Plan::Aggregate { input, group, .. } => match group.get(col).map(|e| &e.kind) {
            Some(ExprKind::Column(c)) => is_column(input, *c),
            _ => false,
        },
        // A set operation's columns are its first branch's.
        Plan::Append { inputs, .. } => inputs.first().is_some_and(|i| is_column(i, col)),
        Plan::SetOp { left, .. } => is_column(left, col),
        _ => false,
    }
}

/// Whether the plan reads more than one relation (EXPLAIN then qualifies
/// every column with its relation's name).
pub fn several_relations(plan: &Plan) -> bool {
    fn count(p: &mut Plan, n: &mut usize) {
        match p {
            Plan::SeqScan { .. }
            | Plan::IndexScan { .. }
            | Plan::SystemView(_)
            | Plan::FunctionScan { .. }
            | Plan::Values(_)
            | Plan::WorkTable(_) => *n += 1,
            _ => {}
        }
        for c in p.children_mut() {
            count(c, n);
        }
    }
    let mut n = 0;
    // The walk over children is written for mutable plans.
    count(&mut plan.clone(), &mut n);
    n > 1
}

/// The names of `plan`'s output columns, qualified when `prefix`.
pub fn names(plan: &Plan, prefix: bool, outer: &[Vec<String>]) -> Vec<String> {
    let qualify = |rel: &str, col: &str| {
        if prefix {
            format!("{rel}.{col}")
        } else {
            col.to_owned()
        }
    };
    match plan {
        Plan::SeqScan {
            table,
            with_tid,
            alias,
            ..
        }
        | Plan::IndexScan {
            table,
            with_tid,
            alias,
            ..
        } => {
            let rel = alias.as_deref().unwrap_or(&table.name);
            let mut v: Vec<String> = table.live().map(|(_, c)| qualify(rel, &c.name)).collect();
            if *with_tid {
                v.push(qualify(rel, "ctid"));
            }
            v
        }
        Plan::SystemView(view) => view
            .columns()
            .iter()
            .map(|(c, _)| qualify(view.name(), c))
            .chain(std::iter::once(qualify(view.name(), "tableoid")))
            .collect(),
        Plan::Filter { input, .. }
        | Plan::Sort { input, .. }
        | Plan::Limit { input, .. }
        | Plan::LockRows { input, .. }
        | Plan::Distinct { input, .. }
        | Plan::Gather { input, .. } => names(input, prefix, outer),
        Plan::Project { input, exprs } => {
            let below = names(input, prefix, outer);
            let n = Names::plain(&below, outer);
            exprs.iter().map(|e| expr(e, &n)).collect()
        }
        Plan::Permute { input, columns } => {
            let below = names(input, prefix, outer);
            columns
                .iter()
                .map(|&i| below.get(i).cloned().unwrap_or_default())
                .collect()
        }
        Plan::Join {
            left, right, kind, ..
        } => {
            let mut v = names(left, prefix, outer);
            if !matches!(kind, JoinKind::Semi | JoinKind::Anti) {
                v.extend(names(right, prefix, outer));
            }
            v
        }
        Plan::Lateral { left, right, .. } => {
            let l = names(left, prefix, outer);
            let mut inner_outer = outer.to_vec();
            inner_outer.push(l.clone());
            let mut v = l;
            v.extend(names(right, prefix, &inner_outer));
            v
        }
        Plan::Aggregate {
            input, group, aggs, ..
        } => {
            let below = names(input, prefix, outer);
            let n = Names::plain(&below, outer);
            group
                .iter()
                .map(|e| expr(e, &n))
                .chain(aggs.iter().map(|a| {
                    // As ruleutils prints an Aggref: DISTINCT, ORDER BY
                    // (whose expressions follow the arguments), FILTER.
                    // The arguments without the coercion to the
                    // transition type the binder added.
                    let shown = |e: &Expr| match &e.kind {
                        crate::expr::ExprKind::Cast {
                            arg,
                            explicit: false,
                        } => expr(arg, &n),
                        _ => expr(e, &n),
                    };
                    // A sort key that is a function call (a cast among
                    // them) in parentheses, as get_rule_sortgroupclause.
                    let key_text = |e: &Expr| match &e.kind {
                        crate::expr::ExprKind::Call { .. }
                        | crate::expr::ExprKind::UserCall(_)
                        | crate::expr::ExprKind::Cast { .. } => format!("({})", expr(e, &n)),
                        _ => expr(e, &n),
                    };
                    if let crate::plan::AggFunc::OrderedSet { .. } = a.func {
                        let key = a.args.last().map(key_text).unwrap_or_default();
                        let direct: Vec<String> =
                            a.real_args().iter().skip(1).map(|e| expr(e, &n)).collect();
                        let desc = if a.order.first().is_some_and(|k| k.desc) {
                            " DESC"
                        } else {
                            ""
                        };
                        return format!(
                            "{}({}) WITHIN GROUP (ORDER BY {key}{desc})",
                            a.func.name(),
                            direct.join(", ")
                        );
                    }
                    let args: Vec<String> = a.real_args().iter().map(shown).collect();
                    let mut text = if args.is_empty() {
                        "*".to_owned()
                    } else {
                        args.join(", ")
                    };
                    if a.distinct {
                        text.insert_str(0, "DISTINCT ");
                    }
                    let keys = &a.args[a.args.len() - a.order.len()..];
                    if !a.order.is_empty()
                        && !matches!(a.func, crate::plan::AggFunc::Hypothetical { .. })
                    {
                        let keys: Vec<String> = keys
                            .iter()
                            .zip(&a.order)
                            .map(|(e, k)| {
                                key_text(e) + crate::plan::order_words(k.desc, k.nulls_first)
                            })
                            .collect();
                        text = format!("{text} ORDER BY {}", keys.join(", "));
                    }
                    let mut out = format!("{}({text})", a.func.name());
                    if let Some(f) = &a.filter {
                        out = format!("{out} FILTER (WHERE {})", expr(f, &n));
                    }
                    out
                }))
                .collect()
        }
        Plan::ProjectSet { input, items } => {
            let below = names(input, prefix, outer);
            let n = Names::plain(&below, outer);
            items
                .iter()
                .map(|i| match i {
                    ProjectItem::Scalar(e) => expr(e, &n),
                    ProjectItem::Set(f, _) => f.name().to_owned(),
                })
                .collect()
        }
        Plan::Window { input, calls } => {
            let mut v = names(input, prefix, outer);
            v.extend(calls.iter().map(|_| "?".to_owned()));
            v
        }
        Plan::Values(rows) => (1..=rows.first().map_or(0, Vec::len))
            .map(|i| qualify("\"*VALUES*\"", &format!("column{i}")))
            .collect(),
        Plan::FunctionScan { func, names, .. } => {
            let (rel, cols) = &**names;
            if cols.is_empty() {
                vec![qualify(rel, func.name())]
            } else {
                cols.iter().map(|c| qualify(rel, c)).collect()
            }
        }
        Plan::Append { inputs, parts } => {
            let first = inputs
                .first()
                .map(|p| names(p, prefix, outer))
                .unwrap_or_default();
            // A partitioned table's columns carry its own name.
            match (parts, inputs.first().and_then(scan_alias)) {
                (Some(info), Some(leaf)) => {
                    let from = format!("{leaf}.");
                    let to = format!("{}.", info.alias);
                    first
                        .into_iter()
                        .map(|n| match n.strip_prefix(&from) {
                            Some(rest) => format!("{to}{rest}"),
                            None => n,
                        })
                        .collect()
                }
                _ => first,
            }
        }
        Plan::SetOp { left, .. } => names(left, prefix, outer),
        Plan::RecursiveUnion { base, .. } => names(base, prefix, outer),
        Plan::CteScan { input, .. } => names(input, prefix, outer),
        Plan::OneRow | Plan::WorkTable(_) => Vec::new(),
    }
}

/// The alias of the scan under a partition's Projects and Filters.
fn scan_alias(plan: &Plan) -> Option<String> {
    match plan {
        Plan::SeqScan { alias, .. } | Plan::IndexScan { alias, .. } => {
            alias.as_deref().map(str::to_owned)
        }
        Plan::Project { input, .. } | Plan::Filter { input, .. } => scan_alias(input),
        _ => None,
    }
}
