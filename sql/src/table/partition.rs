//! Declarative partitioning: partition bounds, and the routing of a row to
//! the leaf partition whose bound holds it.
//!
//! Rules:
//! 1. A partitioned table (relkind 'p') never holds rows itself: reads
//!    append its leaves, INSERT routes each row to one leaf, UPDATE and
//!    DELETE run on each leaf in turn (the binder and `modify.rs`).
//! 2. A bound is kept as the text PostgreSQL's pg_get_expr(relpartbound)
//!    prints (`FOR VALUES FROM (1) TO (10)`); it is read again, against the
//!    parent's key column types, where rows are routed or checked.
//! 3. A row whose key no partition holds gets PostgreSQL's 23514 "no
//!    partition of relation ... found for row"; a row written straight into
//!    a partition must satisfy its bound (23514 "violates partition
//!    constraint").

use std::cmp::Ordering;
use std::sync::Arc;

use sqlparser::ast;

use crate::catalog::{PartitionKey, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// One value of a range bound.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    /// MINVALUE: below every value.
    Min,
    /// A value of the key column's type.
    Val(Value),
    /// MAXVALUE: above every value.
    Max,
}

/// A partition's bound, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// DEFAULT: the rows no other partition holds.
    Default,
    /// FOR VALUES IN (...): NULL among them holds NULL keys.
    List(Vec<Value>),
    /// FOR VALUES FROM (...) TO (...): lower bound inclusive, upper
    /// exclusive.
    Range(Vec<Datum>, Vec<Datum>),
    /// FOR VALUES WITH (MODULUS m, REMAINDER r).
    Hash(u64, u64),
}

fn spec_error(message: impl Into<String>) -> SqlError {
    SqlError::new(SqlState::INVALID_TABLE_DEFINITION, message)
}

/// The key columns' types of partitioned table `parent`.
pub fn key_types(parent: &TableDef, key: &PartitionKey) -> Vec<(DataType, i32)> {
    key.columns
        .iter()
        .map(|&i| {
            parent
                .columns
                .get(i)
                .map_or((DataType::Text, -1), |c| (c.ty, c.typmod))
        })
        .collect()
}

/// Reads a FOR VALUES clause for a table partitioned by `key`; `eval`
/// computes one bound expression as a value of key column `k`'s type.
pub fn bound_of(
    fv: &ast::ForValues,
    key: &PartitionKey,
    eval: &mut dyn FnMut(&ast::Expr, usize) -> Result<Value>,
) -> Result<Bound> {
    let kind = match key.strategy {
        'l' => "list",
        'h' => "hash",
        _ => "range",
    };
    let wrong = || {
        spec_error(format!(
            "invalid bound specification for a {kind} partition"
        ))
    };
    match fv {
        ast::ForValues::Default => {
            if key.strategy == 'h' {
                return Err(spec_error(
                    "a hash-partitioned table may not have a default partition",
                ));
            }
            Ok(Bound::Default)
        }
        ast::ForValues::In(values) => {
            if key.strategy != 'l' {
                return Err(wrong());
            }
            let mut out: Vec<Value> = Vec::with_capacity(values.len());
            for e in values {
                let v = eval(e, 0)?;
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Bound::List(out))
        }
        ast::ForValues::From { from, to } => {
            if key.strategy != 'r' {
                return Err(wrong());
            }
            let mut side = |vals: &[ast::PartitionBoundValue], what: &str| -> Result<Vec<Datum>> {
                if vals.len() != key.columns.len() {
                    return Err(spec_error(format!(
                        "{what} must specify exactly one value per partitioning column"
                    )));
                }
                let mut out = Vec::with_capacity(vals.len());
                for (k, v) in vals.iter().enumerate() {
                    out.push(match v {
                        ast::PartitionBoundValue::MinValue => Datum::Min,
                        ast::PartitionBoundValue::MaxValue => Datum::Max,
                        ast::PartitionBoundValue::Expr(e) => {
                            let v = eval(e, k)?;
                            if v.is_null() {
                                return Err(spec_error("cannot specify NULL in range bound"));
                            }
                            Datum::Val(v)
                        }
                    });
                }
                // After MINVALUE or MAXVALUE only the same may follow.
                for w in out.windows(2) {
                    match (&w[0], &w[1]) {
                        (Datum::Max, d) if *d != Datum::Max => {
                            return Err(spec_error(
                                "every bound following MAXVALUE must also be MAXVALUE",
                            ))
                        }
                        (Datum::Min, d) if *d != Datum::Min => {
                            return Err(spec_error(
                                "every bound following MINVALUE must also be MINVALUE",
                            ))
                        }
                        _ => {}
                    }
                }
                Ok(out)
            };
            let lower = side(from, "FROM")?;
            let upper = side(to, "TO")?;
            Ok(Bound::Range(lower, upper))
        }
        ast::ForValues::With { modulus, remainder } => {
            if key.strategy != 'h' {
                return Err(wrong());
            }
            if *modulus == 0 {
                return Err(spec_error(
                    "modulus for hash partition must be an integer value greater than zero",
                ));
            }
            if remainder >= modulus {
                return Err(spec_error(
                    "remainder for hash partition must be less than modulus",
                ));
            }
            Ok(Bound::Hash(*modulus, *remainder))
        }
    }
}

/// Reads a stored bound (rule 2).
pub fn parse_stored(
    text: &str,
    parent: &TableDef,
    key: &PartitionKey,
    style: &OutputStyle,
) -> Result<Bound> {
    let sql = format!("CREATE TABLE x PARTITION OF y {text}");
    let stmts =
        sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, &sql)
            .map_err(|e| SqlError::internal(format!("stored partition bound {text}: {e}")))?;
    let Some(ast::Statement::CreateTable(ct)) = stmts.first() else {
        return Err(SqlError::internal("stored partition bound"));
    };
    let Some(fv) = &ct.for_values else {
        return Err(SqlError::internal("stored partition bound without values"));
    };
    let types = key_types(parent, key);
    bound_of(fv, key, &mut |e, k| {
        let (ty, typmod) = types[k];
        literal_value(e, ty, typmod, style)
    })
}

/// A literal of a stored bound (a number, a quoted string, a boolean or
/// NULL) as a value of type `ty`.
fn literal_value(e: &ast::Expr, ty: DataType, typmod: i32, style: &OutputStyle) -> Result<Value> {
    let text = match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Null => return Ok(Value::Null),
            ast::Value::Number(n, _) => n.clone(),
            ast::Value::SingleQuotedString(s) => s.clone(),
            ast::Value::Boolean(b) => b.to_string(),
            other => return Err(SqlError::internal(format!("stored bound value {other}"))),
        },
        other => return Err(SqlError::internal(format!("stored bound value {other}"))),
    };
    crate::cast::parse_text_typmod(&text, ty, typmod, style)
}

/// A bound value as PostgreSQL's deparser writes a constant: INT4 and
/// non-negative decimals bare, booleans as true/false, everything else
/// quoted.
fn constant_text(v: &Value, style: &OutputStyle) -> String {
    let Some(text) = v.to_text(style) else {
        return "NULL".into();
    };
    match v {
        Value::Int4(_) if !text.starts_with('-') => text,
        Value::Numeric(_)
            if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E']) =>
        {
            text
        }
        Value::Float8(_) | Value::Float4(_)
            if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E']) =>
        {
            text
        }
        Value::Bool(b) => b.to_string(),
        _ => crate::func::quote_literal(&text),
    }
}

fn datum_text(d: &Datum, style: &OutputStyle) -> String {
    match d {
        Datum::Min => "MINVALUE".into(),
        Datum::Max => "MAXVALUE".into(),
        Datum::Val(v) => constant_text(v, style),
    }
}

/// The bound as pg_get_expr(relpartbound) prints it.
pub fn bound_text(b: &Bound, style: &OutputStyle) -> String {
    let list = |vals: &mut dyn Iterator<Item = String>| vals.collect::<Vec<_>>().join(", ");
    match b {
        Bound::Default => "DEFAULT".into(),
        Bound::List(vals) => format!(
            "FOR VALUES IN ({})",
            list(&mut vals.iter().map(|v| constant_text(v, style)))
        ),
        Bound::Range(lo, hi) => format!(
            "FOR VALUES FROM ({}) TO ({})",
            list(&mut lo.iter().map(|d| datum_text(d, style))),
            list(&mut hi.iter().map(|d| datum_text(d, style)))
        ),
        Bound::Hash(m, r) => format!("FOR VALUES WITH (modulus {m}, remainder {r})"),
    }
}

/// Compares two range bounds column by column (MINVALUE below every
/// value, MAXVALUE above).
fn compare_datums(a: &[Datum], b: &[Datum]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Datum::Min, Datum::Min) | (Datum::Max, Datum::Max) => Ordering::Equal,
            (Datum::Min, _) | (_, Datum::Max) => Ordering::Less,
            (Datum::Max, _) | (_, Datum::Min) => Ordering::Greater,
            (Datum::Val(p), Datum::Val(q)) => p.compare(q).unwrap_or(Ordering::Equal),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Whether a (non-default) bound holds key `key` of a table partitioned
/// with strategy `strategy`.
pub fn holds(bound: &Bound, key: &[Value], types: &[(DataType, i32)]) -> bool {
    holds_hashed(bound, key, &mut || {
        super::partition_hash::row_hash(key, types)
    })
}

/// [`holds`], the key's hash (for hash bounds) asked of `hash` — so that
/// a search over many bounds hashes the key once.
fn holds_hashed(bound: &Bound, key: &[Value], hash: &mut dyn FnMut() -> u64) -> bool {
    match bound {
        Bound::Default => false,
        Bound::List(vals) => {
            let k = &key[0];
            vals.iter().any(|v| match (v.is_null(), k.is_null()) {
                (true, true) => true,
                (false, false) => v.compare(k) == Some(Ordering::Equal),
                _ => false,
            })
        }
        Bound::Range(lo, hi) => {
            !key.iter().any(Value::is_null)
                && compare_key(key, lo) != Ordering::Less
                && compare_key(key, hi) == Ordering::Less
        }
        Bound::Hash(m, r) => hash() % m == *r,
    }
}

/// Compares a key (no NULLs) with a range bound, column by column.
fn compare_key(key: &[Value], bound: &[Datum]) -> Ordering {
    for (k, b) in key.iter().zip(bound) {
        let o = match b {
            Datum::Min => Ordering::Greater,
            Datum::Max => Ordering::Less,
            Datum::Val(v) => k.compare(v).unwrap_or(Ordering::Equal),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// The place among `bounds` of the partition a key routes to: the first
/// bound that holds it, else the default; the key hashed at most once.
pub fn route_key<'b>(
    bounds: impl Iterator<Item = &'b Bound> + Clone,
    key: &[Value],
    types: &[(DataType, i32)],
) -> Option<usize> {
    let mut hashed = None;
    let mut hash = || *hashed.get_or_insert_with(|| super::partition_hash::row_hash(key, types));
    bounds
        .clone()
        .position(|b| holds_hashed(b, key, &mut hash))
        .or_else(|| bounds.clone().position(|b| *b == Bound::Default))
}

/// Whether two bounds of one partitioned table hold a key in common.
pub fn overlaps(a: &Bound, b: &Bound) -> bool {
    match (a, b) {
        (Bound::List(x), Bound::List(y)) => x.iter().any(|v| y.contains(v)),
        (Bound::Range(lo1, hi1), Bound::Range(lo2, hi2)) => {
            compare_datums(lo1, hi2) == Ordering::Less && compare_datums(lo2, hi1) == Ordering::Less
        }
        (Bound::Hash(m1, r1), Bound::Hash(m2, r2)) => {
            // Moduli divide one another (checked apart): the larger
            // modulus's remainder class falls inside the smaller one's.
            let (small_m, small_r, large_r) = if m1 <= m2 { (m1, r1, r2) } else { (m2, r2, r1) };
            large_r % small_m == *small_r
        }
        (Bound::Default, Bound::Default) => true,
        _ => false,
    }
}

/// A range bound's key order check: 42P17 when `lower >= upper`.
pub fn check_range_order(bound: &Bound, partition: &str, style: &OutputStyle) -> Result<()> {
    if let Bound::Range(lo, hi) = bound {
        if compare_datums(lo, hi) != Ordering::Less {
            let text = |d: &[Datum]| {
                d.iter()
                    .map(|x| datum_text(x, style))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(SqlError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!("empty range bound specified for partition \"{partition}\""),
            )
            .with_detail(format!(
                "Specified lower bound ({}) is greater than or equal to upper bound ({}).",
                text(lo),
                text(hi)
            )));
        }
    }
    Ok(())
}

/// One partition, read for routing.
pub struct Part {
    /// Its definition.
    pub def: Arc<TableDef>,
    /// Its bound.
    pub bound: Bound,
    /// For each of its live columns, the position of the same column in
    /// the parent's live row.
    pub map: Vec<usize>,
    /// Its own partitions, when it is partitioned too.
    pub sub: Option<Box<Router>>,
}

/// A partitioned table with its partitions, read once per statement.
pub struct Router {
    /// The partitioned table.
    pub def: Arc<TableDef>,
    /// Positions of the key columns in its live row.
    key_pos: Vec<usize>,
    /// The key columns' types.
    types: Vec<(DataType, i32)>,
    /// Its partitions.
    pub parts: Vec<Part>,
}

/// Positions in `parent`'s live row of each live column of `child`
/// (matched by name).
pub fn column_map(parent: &TableDef, child: &TableDef) -> Vec<usize> {
    let parent_live: Vec<&str> = parent.live().map(|(_, c)| c.name.as_str()).collect();
    child
        .live()
        .map(|(_, c)| {
            parent_live
                .iter()
                .position(|n| *n == c.name)
                .unwrap_or(usize::MAX)
        })
        .collect()
}

/// A row of the parent's live layout in a child's layout.
pub fn map_row(map: &[usize], row: &[Value]) -> Vec<Value> {
    map.iter()
        .map(|&p| row.get(p).cloned().unwrap_or(Value::Null))
        .collect()
}

/// Whether a map is the identity (the child's columns are the parent's,
/// in order).
pub fn is_identity(map: &[usize], width: usize) -> bool {
    map.len() == width && map.iter().enumerate().all(|(i, &p)| i == p)
}

impl Router {
    /// Reads partitioned table `def` and (through `open`) its partitions,
    /// recursively.
    pub fn new(
        def: Arc<TableDef>,
        open: &mut dyn FnMut(u32) -> Result<Option<Arc<TableDef>>>,
        style: &OutputStyle,
    ) -> Result<Router> {
        Router::below(def, open, style, &mut Vec::new())
    }

    /// [`Router::new`] under the tables of `path` (a table met again is
    /// left out: the catalog never holds a cycle, this never loops).
    fn below(
        def: Arc<TableDef>,
        open: &mut dyn FnMut(u32) -> Result<Option<Arc<TableDef>>>,
        style: &OutputStyle,
        path: &mut Vec<u32>,
    ) -> Result<Router> {
        crate::stack::check()?;
        path.push(def.oid);
        let key = def
            .partition_key
            .clone()
            .ok_or_else(|| SqlError::internal("routing into a table that is not partitioned"))?;
        let live: Vec<usize> = def.live().map(|(i, _)| i).collect();
        let key_pos = key
            .columns
            .iter()
            .map(|c| live.iter().position(|l| l == c).unwrap_or(0))
            .collect();
        let types = key_types(&def, &key);
        let mut parts = Vec::new();
        for &oid in &def.partitions {
            if path.contains(&oid) {
                continue;
            }
            let Some(child) = open(oid)? else { continue };
            let Some(of) = &child.partition_of else {
                continue;
            };
            let bound = parse_stored(&of.bound, &def, &key, style)?;
            let sub = if child.partition_key.is_some() {
                Some(Box::new(Router::below(
                    Arc::clone(&child),
                    open,
                    style,
                    path,
                )?))
            } else {
                None
            };
            parts.push(Part {
                map: column_map(&def, &child),
                def: child,
                bound,
                sub,
            });
        }
        // Partitions in bound order, the default last (PostgreSQL's order
        // of partitions in an Append).
        parts.sort_by(|a, b| bound_order(&a.bound, &b.bound));
        Ok(Router {
            def,
            key_pos,
            types,
            parts,
        })
    }

    /// The key of a row of this table's live layout.
    pub fn key(&self, row: &[Value]) -> Vec<Value> {
        self.key_pos
            .iter()
            .map(|&p| row.get(p).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The partition that holds `row` (this table's live layout), or None.
    pub fn find(&self, row: &[Value]) -> Option<usize> {
        let key = self.key(row);
        route_key(self.parts.iter().map(|p| &p.bound), &key, &self.types)
    }

    /// Routes a row (this table's live layout) to its leaf: the leaf and
    /// the row in the leaf's layout; 23514 when no partition holds it.
    pub fn route(
        &self,
        row: Vec<Value>,
        style: &OutputStyle,
    ) -> Result<(&Arc<TableDef>, Vec<Value>)> {
        let Some(i) = self.find(&row) else {
            return Err(self.no_partition(&row, style));
        };
        let part = &self.parts[i];
        let child_row = if is_identity(&part.map, row.len()) {
            row
        } else {
            map_row(&part.map, &row)
        };
        match &part.sub {
            Some(sub) => sub.route(child_row, style),
            None => Ok((&part.def, child_row)),
        }
    }

    fn no_partition(&self, row: &[Value], style: &OutputStyle) -> SqlError {
        let names: Vec<&str> = self
            .def
            .partition_key
            .iter()
            .flat_map(|k| k.columns.iter())
            .filter_map(|&c| self.def.columns.get(c).map(|c| c.name.as_str()))
            .collect();
        let values: Vec<String> = self
            .key(row)
            .iter()
            .map(|v| v.to_text(style).unwrap_or_else(|| "null".into()))
            .collect();
        SqlError::new(
            SqlState::CHECK_VIOLATION,
            format!(
                "no partition of relation \"{}\" found for row",
                self.def.name
            ),
        )
        .with_detail(format!(
            "Partition key of the failing row contains ({}) = ({}).",
            names.join(", "),
            values.join(", ")
        ))
    }

    /// Every leaf, in partition order, with the map from its live
    /// columns to this table's live row.
    pub fn leaves(&self) -> Vec<(Arc<TableDef>, Vec<usize>)> {
        let mut out = Vec::new();
        for p in &self.parts {
            match &p.sub {
                None => out.push((Arc::clone(&p.def), p.map.clone())),
                Some(sub) => {
                    for (leaf, m) in sub.leaves() {
                        out.push((
                            leaf,
                            m.iter()
                                .map(|&i| p.map.get(i).copied().unwrap_or(usize::MAX))
                                .collect(),
                        ));
                    }
                }
            }
        }
        out
    }
}

/// The order of partitions: by lower bound (range), lowest value (list),
/// remainder (hash), the default last.
fn bound_order(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Default, Bound::Default) => Ordering::Equal,
        (Bound::Default, _) => Ordering::Greater,
        (_, Bound::Default) => Ordering::Less,
        (Bound::Range(x, _), Bound::Range(y, _)) => compare_datums(x, y),
        (Bound::List(x), Bound::List(y)) => {
            let least = |v: &[Value]| -> Option<Value> {
                v.iter()
                    .filter(|x| !x.is_null())
                    .min_by(|p, q| p.compare(q).unwrap_or(Ordering::Equal))
                    .cloned()
            };
            match (least(x), least(y)) {
                (Some(p), Some(q)) => p.compare(&q).unwrap_or(Ordering::Equal),
                // A list of NULL alone sorts last.
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (None, None) => Ordering::Equal,
            }
        }
        (Bound::Hash(m1, r1), Bound::Hash(m2, r2)) => (m1, r1).cmp(&(m2, r2)),
        _ => Ordering::Equal,
    }
}

/// A row of a child's live layout in its parent's layout (`map` as
/// [`column_map`] gives it; parent columns the child lacks are NULL).
pub fn unmap_row(map: &[usize], row: &[Value], parent_width: usize) -> Vec<Value> {
    let mut out = vec![Value::Null; parent_width];
    for (j, &p) in map.iter().enumerate() {
        if let (Some(slot), Some(v)) = (out.get_mut(p), row.get(j)) {
            *slot = v.clone();
        }
    }
    out
}

/// The partition constraint of a partition: at each level up, the
/// parent's router and this branch's place in it.
pub struct PartitionCheck {
    /// The partition checked.
    name: String,
    /// (parent's router, index of the branch in it, map from the branch's
    /// live row to the parent's), innermost first.
    levels: Vec<(Router, usize, Vec<usize>)>,
}

impl PartitionCheck {
    /// The constraint of `def`, None when it is not a partition.
    pub fn new(
        def: &Arc<TableDef>,
        open: &mut dyn FnMut(u32) -> Result<Option<Arc<TableDef>>>,
        style: &OutputStyle,
    ) -> Result<Option<PartitionCheck>> {
        let mut levels = Vec::new();
        let mut current = Arc::clone(def);
        while let Some(of) = current.partition_of.clone() {
            if levels.len() > 1000 {
                break;
            }
            let Some(parent) = open(of.parent)? else {
                break;
            };
            let router = Router::new(Arc::clone(&parent), open, style)?;
            let Some(i) = router.parts.iter().position(|p| p.def.oid == current.oid) else {
                break;
            };
            let map = router.parts[i].map.clone();
            levels.push((router, i, map));
            current = parent;
        }
        Ok((!levels.is_empty()).then(|| PartitionCheck {
            name: def.name.clone(),
            levels,
        }))
    }

    /// Whether a row of the partition's live layout satisfies it.
    pub fn holds(&self, row: &[Value]) -> bool {
        let mut row = row.to_vec();
        for (router, i, map) in &self.levels {
            let width = router.def.live().count();
            row = unmap_row(map, &row, width);
            if router.find(&row) != Some(*i) {
                return false;
            }
        }
        true
    }

    /// 23514 unless the row satisfies it.
    pub fn check(&self, row: &[Value], style: &OutputStyle) -> Result<()> {
        if self.holds(row) {
            return Ok(());
        }
        Err(SqlError::new(
            SqlState::CHECK_VIOLATION,
            format!(
                "new row for relation \"{}\" violates partition constraint",
                self.name
            ),
        )
        .with_detail(format!(
            "Failing row contains {}.",
            super::record_text(row, style)
        )))
    }
}

/// A member's tuple-id column, marked with the member's place `k` in its
/// parent's expansion (bits 48 and up): a row locked or changed through
/// the parent finds its table by it; [`super::tid_of`] reads the tuple
/// id alone.
pub fn member_tid(column: usize, k: usize) -> crate::expr::Expr {
    use crate::expr::{Expr, ExprKind};
    let col = Expr {
        kind: ExprKind::Column(column),
        ty: DataType::Int8,
        typmod: -1,
        pos: None,
    };
    if k == 0 {
        return col;
    }
    let Some(plus) = crate::func::lookup("+", 2)
        .into_iter()
        .find(|d| d.args == [DataType::Int8, DataType::Int8])
    else {
        return col;
    };
    Expr {
        kind: ExprKind::Call {
            def: plus,
            args: vec![
                col,
                Expr::constant(Value::Int8((k as i64) << 48), DataType::Int8),
            ],
        },
        ty: DataType::Int8,
        typmod: -1,
        pos: None,
    }
}

/// The member place a marked tuple id carries ([`member_tid`]).
pub fn tid_member(v: &Value) -> usize {
    match v {
        Value::Int8(x) if *x >= 0 => ((*x >> 48) & 0x7fff) as usize,
        _ => 0,
    }
}

/// A tuple id marked with member place `k`.
pub fn marked_tid(tid: actorgres_storage::page::Tid, k: usize) -> Value {
    match super::tid_value(tid) {
        Value::Int8(x) => Value::Int8(x | ((k as i64) << 48)),
        other => other,
    }
}

/// A constant as ruleutils prints one with its type: INT4 and decimal
/// NUMERIC values bare when not negative, booleans bare, anything else
/// quoted with `::type`.
fn typed_constant(v: &Value, ty: DataType, typmod: i32, style: &OutputStyle) -> String {
    let text = v.to_text(style).unwrap_or_default();
    match v {
        Value::Int4(_) if !text.starts_with('-') => return text,
        Value::Numeric(_)
            if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['.', 'e', 'E']) =>
        {
            return text
        }
        Value::Bool(b) => return b.to_string(),
        _ => {}
    }
    let _ = typmod;
    format!(
        "{}::{}",
        crate::func::quote_literal(&text),
        crate::func::format_type(ty, -1)
    )
}

/// `(a AND b ...)`, or the one term alone.
fn and_all(terms: Vec<String>) -> String {
    match terms.len() {
        1 => terms.into_iter().next().unwrap_or_default(),
        _ => format!("({})", terms.join(" AND ")),
    }
}

/// `(a OR b ...)`, or the one term alone.
fn or_all(terms: Vec<String>) -> String {
    match terms.len() {
        1 => terms.into_iter().next().unwrap_or_default(),
        _ => format!("({})", terms.join(" OR ")),
    }
}

/// The terms of a range bound's constraint past its NOT NULL tests
/// (PostgreSQL's get_qual_for_range): equal leading columns, then the
/// lower and the upper limits, each an OR of arms.
fn range_terms(
    lo: &[Datum],
    hi: &[Datum],
    cols: &[String],
    types: &[(DataType, i32)],
    style: &OutputStyle,
) -> Vec<String> {
    let c = |k: usize, v: &Value| typed_constant(v, types[k].0, types[k].1, style);
    let n = cols.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        match (&lo[i], &hi[i]) {
            (Datum::Val(a), Datum::Val(b)) if a.compare(b) == Some(Ordering::Equal) => {
                out.push(format!("({} = {})", cols[i], c(i, a)));
                i += 1;
            }
            _ => break,
        }
    }
    if i == n {
        return out;
    }
    // One side: arms k = i..=last, the last one's operator inclusive or
    // not by what follows it.
    let side = |d: &[Datum], lower: bool| -> Option<String> {
        let last = (i..n)
            .take_while(|&k| matches!(d[k], Datum::Val(_)))
            .last()?;
        let mut arms = Vec::new();
        for k in i..=last {
            let mut terms: Vec<String> = (i..k)
                .filter_map(|j| match &d[j] {
                    Datum::Val(v) => Some(format!("({} = {})", cols[j], c(j, v))),
                    _ => None,
                })
                .collect();
            let op = if k < last {
                if lower {
                    ">"
                } else {
                    "<"
                }
            } else {
                let next = d.get(last + 1);
                match (lower, next) {
                    (true, None | Some(Datum::Min)) => ">=",
                    (true, _) => ">",
                    (false, Some(Datum::Max)) => "<=",
                    (false, _) => "<",
                }
            };
            if let Datum::Val(v) = &d[k] {
                terms.push(format!("({} {op} {})", cols[k], c(k, v)));
            }
            arms.push(and_all(terms));
        }
        Some(or_all(arms))
    };
    out.extend(side(lo, true));
    out.extend(side(hi, false));
    out
}

/// The terms of a partition's constraint for one level (pg_get_partition_
/// constraintdef without its ancestors'), `siblings` being every bound of
/// the parent (for a default partition), `parent_oid` the parent's OID
/// (hash partitions name it).
pub fn constraint_terms(
    bound: &Bound,
    siblings: &[Bound],
    key: &PartitionKey,
    parent: &TableDef,
    style: &OutputStyle,
) -> Vec<String> {
    let cols: Vec<String> = key
        .columns
        .iter()
        .map(|&k| {
            parent
                .columns
                .get(k)
                .map_or_else(String::new, |c| crate::func::quote_ident(&c.name))
        })
        .collect();
    let types = key_types(parent, key);
    let not_null: Vec<String> = cols.iter().map(|c| format!("({c} IS NOT NULL)")).collect();
    let list = |vals: &[Value]| -> Vec<String> {
        let (nulls, vals): (Vec<&Value>, Vec<&Value>) = vals.iter().partition(|v| v.is_null());
        let consts: Vec<String> = vals
            .iter()
            .map(|v| typed_constant(v, types[0].0, types[0].1, style))
            .collect();
        let test = match consts.len() {
            0 => None,
            1 => Some(format!("({} = {})", cols[0], consts[0])),
            _ => Some(format!(
                "({} = ANY (ARRAY[{}]))",
                cols[0],
                consts.join(", ")
            )),
        };
        match (nulls.is_empty(), test) {
            (true, Some(t)) => vec![format!("({} IS NOT NULL)", cols[0]), t],
            (false, Some(t)) => vec![format!("(({} IS NULL) OR {t})", cols[0])],
            (_, None) => vec![format!("({} IS NULL)", cols[0])],
        }
    };
    match bound {
        Bound::List(vals) => list(vals),
        Bound::Range(lo, hi) => {
            let mut out = not_null;
            out.extend(range_terms(lo, hi, &cols, &types, style));
            out
        }
        Bound::Hash(m, r) => vec![format!(
            "satisfies_hash_partition('{}'::oid, {m}, {r}, {})",
            parent.oid,
            cols.join(", ")
        )],
        Bound::Default => match key.strategy {
            'l' => {
                let mut all: Vec<Value> = siblings
                    .iter()
                    .filter_map(|b| match b {
                        Bound::List(v) => Some(v.clone()),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                if all.is_empty() {
                    return Vec::new();
                }
                all.sort_by(|a, b| match (a.is_null(), b.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    _ => a.compare(b).unwrap_or(Ordering::Equal),
                });
                vec![format!("(NOT {})", and_all(list(&all)))]
            }
            'r' => {
                let pieces: Vec<String> = siblings
                    .iter()
                    .filter_map(|b| match b {
                        Bound::Range(lo, hi) => {
                            Some(and_all(range_terms(lo, hi, &cols, &types, style)))
                        }
                        _ => None,
                    })
                    .collect();
                if pieces.is_empty() {
                    return Vec::new();
                }
                let mut inner = not_null;
                inner.push(or_all(pieces));
                vec![format!("(NOT {})", and_all(inner))]
            }
            _ => Vec::new(),
        },
    }
}

/// Bounds in partition order (the default last).
pub fn sort_bounds(bounds: &mut [Bound]) {
    bounds.sort_by(bound_order);
}
