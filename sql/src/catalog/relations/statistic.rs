//! pg_statistic and pg_stats: what ANALYZE found, from the tables'
//! definitions (which carry their pg_statistic rows).

use std::sync::Arc;

use super::columns::{PG_STATISTIC, PG_STATS};
use super::rows::{namespaces, relations, typcollation, Row};
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::statistics::{float_array, text_array, ColumnStats};
use crate::types::DataType;
use crate::value::Value;

/// An analyzed column: (table, attribute, inherited, statistics).
type Analyzed = (crate::catalog::TableDef, usize, bool, Arc<ColumnStats>);

/// Each analyzed column of each relation.
fn analyzed(ctx: &EvalCtx<'_>) -> Result<Vec<Analyzed>> {
    let mut out = Vec::new();
    for t in relations(ctx)? {
        let stats = Arc::clone(&t.stats);
        let own = stats.columns().iter().map(|(a, s)| (*a, false, s));
        for (attr, inherited, s) in own.chain(stats.inherited().iter().map(|(a, s)| (*a, true, s)))
        {
            out.push((t.clone(), attr, inherited, Arc::clone(s)));
        }
    }
    Ok(out)
}

/// The OID of built-in operator `name` on two values of `ty` (0 when
/// there is none).
fn operator(name: &str, ty: DataType) -> u32 {
    crate::func::builtins()
        .find(|(_, d)| d.name == name && d.args == [ty, ty])
        .map_or(0, |(oid, _)| oid)
}

/// pg_statistic: slot 1 the most common values (kind 1, with `=`), then
/// the histogram (kind 2, with `<`), then the correlation (kind 3), as
/// PostgreSQL fills them.
pub(super) fn pg_statistic(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut rows = Vec::new();
    for (t, attr, inherited, s) in analyzed(ctx)? {
        let ty = t.columns[attr].ty;
        let mut row = Row::new(PG_STATISTIC)
            .oid("starelid", t.oid)
            .int2("staattnum", attr as i64 + 1)
            .bool("stainherit", inherited)
            .set("stanullfrac", Value::Float4(s.null_frac))
            .int4("stawidth", i64::from(s.width))
            .set("stadistinct", Value::Float4(s.distinct));
        let mut slots: Vec<(i64, &str, Value, Value)> = Vec::new();
        if !s.mcv.is_empty() {
            slots.push((1, "=", float_array(&s.mcf), text_array(&s.mcv, ctx.style)));
        }
        if !s.histogram.is_empty() {
            slots.push((2, "<", Value::Null, text_array(&s.histogram, ctx.style)));
        }
        if let Some(c) = s.correlation {
            slots.push((3, "<", float_array(&[c]), Value::Null));
        }
        for n in 1..=5 {
            let (kind, op, numbers, values) =
                slots
                    .get(n - 1)
                    .cloned()
                    .unwrap_or((0, "", Value::Null, Value::Null));
            row = row
                .int2(&format!("stakind{n}"), kind)
                .oid(
                    &format!("staop{n}"),
                    if kind == 0 { 0 } else { operator(op, ty) },
                )
                .oid(
                    &format!("stacoll{n}"),
                    if kind == 0 { 0 } else { typcollation(ty) },
                )
                .set(&format!("stanumbers{n}"), numbers)
                .set(
                    &format!("stavalues{n}"),
                    match values.to_text(ctx.style) {
                        Some(text) => Value::Text(text),
                        None => Value::Null,
                    },
                );
        }
        rows.push(row.done());
    }
    Ok(rows)
}

/// pg_stats: pg_statistic by name.
pub(super) fn pg_stats(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let schemas = namespaces(ctx)?;
    let text = |v: Value| match v.to_text(ctx.style) {
        Some(t) => Value::Text(t),
        None => Value::Null,
    };
    let mut rows = Vec::new();
    for (t, attr, inherited, s) in analyzed(ctx)? {
        let schema = schemas
            .iter()
            .find(|(o, _)| *o == t.namespace)
            .map_or(String::new(), |(_, n)| n.clone());
        rows.push(
            Row::new(PG_STATS)
                .text("schemaname", &schema)
                .text("tablename", &t.name)
                .text("attname", &t.columns[attr].name)
                .bool("inherited", inherited)
                .set("null_frac", Value::Float4(s.null_frac))
                .int4("avg_width", i64::from(s.width))
                .set("n_distinct", Value::Float4(s.distinct))
                .set("most_common_vals", text(text_array(&s.mcv, ctx.style)))
                .set("most_common_freqs", float_array(&s.mcf))
                .set(
                    "histogram_bounds",
                    text(text_array(&s.histogram, ctx.style)),
                )
                .set(
                    "correlation",
                    s.correlation.map_or(Value::Null, Value::Float4),
                )
                .done(),
        );
    }
    Ok(rows)
}
