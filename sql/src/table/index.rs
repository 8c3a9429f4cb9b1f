//! Index keys and index maintenance: typed values encoded so that byte
//! order is value order (the storage B-tree compares bytes only), and the
//! entries every new row version gets.
//!
//! Key encoding, per column (self-delimiting, so a key of several columns
//! is their concatenation and a prefix of columns is a byte prefix):
//! - NULL: `0x02` (sorts after every value, as PostgreSQL's default
//!   NULLS LAST); a value: `0x01` then its bytes.
//! - integers, dates, times, timestamps, oids: big-endian with the sign
//!   bit flipped; bool: one byte.
//! - float4/float8: as float8 bits, sign-flipped (negatives inverted),
//!   -0 as 0 and every NaN as one NaN above infinity (PostgreSQL's order).
//! - numeric: sign class, then decimal exponent and digits (trailing zeros
//!   dropped, so 1.0 and 1.00 are one key), inverted for negatives.
//! - text, bytea: bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00
//!   0x01 (C collation: text compares by bytes, as the sort does).
//! - uuid: its 16 bytes; interval: its span in microseconds (PostgreSQL's
//!   interval equality); inet: family then address bytes.
//!
//! Rules:
//! 1. Two values encode to equal bytes exactly when PostgreSQL's btree
//!    equality holds, so a unique check on bytes is SQL's unique check.
//! 2. A key with a NULL is never checked for uniqueness (NULLS DISTINCT).

use actorgres_storage::btree::UniqueCheck;
use actorgres_storage::page::Tid;
use actorgres_storage::Actor;
use actorgres_storage::Engine;

use crate::catalog::{BoundIndex, IndexDef, IndexExprs, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

fn flip64(v: i64, out: &mut Vec<u8>) {
    out.extend_from_slice(&((v as u64) ^ (1 << 63)).to_be_bytes());
}

fn escaped(b: &[u8], out: &mut Vec<u8>) {
    for &x in b {
        out.push(x);
        if x == 0 {
            out.push(0xff);
        }
    }
    out.extend_from_slice(&[0, 1]);
}

fn float(f: f64, out: &mut Vec<u8>) {
    let f = crate::value::canonical_float(f);
    let bits = f.to_bits();
    let key = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    out.extend_from_slice(&key.to_be_bytes());
}

/// Numeric: 0x01 negative, 0x02 zero, 0x03 positive, 0x04 NaN; a non-zero
/// value as 0.d1d2... × 10^exp: exponent (i32, sign-flipped) then digits
/// as 1..=10, then 0x00; all inverted for negatives.
fn numeric(text: &str, out: &mut Vec<u8>) {
    if text == "NaN" {
        out.push(4);
        return;
    }
    let (neg, mag) = match text.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, text),
    };
    let (int, frac) = mag.split_once('.').unwrap_or((mag, ""));
    let digits: String = format!("{int}{frac}");
    let lead = digits.bytes().take_while(|&d| d == b'0').count();
    let sig = digits[lead..].trim_end_matches('0');
    if sig.is_empty() {
        out.push(2);
        return;
    }
    let exp = int.len() as i64 - lead as i64;
    let mut m = Vec::with_capacity(sig.len() + 5);
    m.extend_from_slice(&((exp as i32 as u32) ^ (1 << 31)).to_be_bytes());
    m.extend(sig.bytes().map(|d| d - b'0' + 1));
    m.push(0);
    if neg {
        out.push(1);
        out.extend(m.iter().map(|b| !b));
    } else {
        out.push(3);
        out.extend_from_slice(&m);
    }
}

/// Appends one column's key bytes; 42704-like 0A000 for a type without a
/// btree order.
pub fn encode_value(v: &Value, out: &mut Vec<u8>) -> Result<()> {
    if matches!(v, Value::Null) {
        out.push(2);
        return Ok(());
    }
    out.push(1);
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Int2(i) => flip64(i64::from(*i), out),
        Value::Int4(i) | Value::Date(i) => flip64(i64::from(*i), out),
        Value::Int8(i)
        | Value::Money(i)
        | Value::Time(i)
        | Value::Timestamp(i)
        | Value::TimestampTz(i) => flip64(*i, out),
        // timetz_cmp's order: the UTC instant, then the zone.
        Value::TimeTz(t, z) => {
            flip64(t + i64::from(*z) * 1_000_000, out);
            flip64(i64::from(*z), out);
        }
        Value::Oid(o) | Value::Regtype(o) | Value::Named(o, _) => {
            out.extend_from_slice(&o.to_be_bytes())
        }
        Value::Float4(f) => float(f64::from(*f), out),
        // By sort order (which is fixed for a label once assigned).
        Value::Enum(l) => float(f64::from(l.sort), out),
        Value::Float8(f) => float(*f, out),
        Value::Numeric(n) => numeric(&n.to_string(), out),
        Value::Text(s) => escaped(s.as_bytes(), out),
        Value::Bytea(b) => escaped(b, out),
        Value::Uuid(u) => out.extend_from_slice(u),
        Value::Interval(i) => {
            out.extend_from_slice(&((i.span_micros() as u128) ^ (1 << 127)).to_be_bytes())
        }
        Value::Inet(a) | Value::Cidr(a) => a.sort_key(out),
        Value::MacAddr(m) => out.extend_from_slice(m),
        Value::MacAddr8(m) => out.extend_from_slice(m),
        Value::Lsn(l) => out.extend_from_slice(&l.to_be_bytes()),
        Value::Snapshot(s) => escaped(s.to_text().as_bytes(), out),
        // bit_cmp: the bytes, then the length.
        Value::Bits(b) => {
            let (data, len) = b.sort_key();
            escaped(data, out);
            out.extend_from_slice(&len.to_be_bytes());
        }
        // An array (or row) by its text form, as it is stored.
        Value::Array(_) | Value::Record(_) => {
            let text = v.to_text(&crate::value::OutputStyle::default());
            escaped(text.unwrap_or_default().as_bytes(), out)
        }
        // range_cmp's order: empty first, then the lower bound
        // (unbounded first, inclusive before exclusive), then the upper
        // (exclusive before inclusive, unbounded last).
        Value::Range(r) => range_key(r, out)?,
        // No B-tree order: the bytes, for equality.
        Value::Geo(g) => escaped(&g.to_binary(), out),
        // Their text (not tsvector_cmp's order).
        Value::TsVector(_) | Value::TsQuery(_) => {
            let text = v.to_text(&crate::value::OutputStyle::default());
            escaped(text.unwrap_or_default().as_bytes(), out)
        }
        // multirange_cmp's order: range by range, a prefix first.
        Value::Multirange(m) => {
            for r in m.ranges() {
                out.push(1);
                range_key(r, out)?;
            }
            out.push(0);
        }
        Value::Void => {
            return Err(SqlError::unsupported("indexing a void value"));
        }
    }
    Ok(())
}

/// A range in range_cmp's order.
fn range_key(r: &crate::value::range::RangeValue, out: &mut Vec<u8>) -> Result<()> {
    if r.empty {
        out.push(0);
        return Ok(());
    }
    out.push(1);
    match &r.lower {
        None => out.push(0),
        Some(l) => {
            out.push(1);
            encode_value(l, out)?;
            out.push(u8::from(!r.lower_inc));
        }
    }
    match &r.upper {
        None => out.push(2),
        Some(u) => {
            out.push(1);
            encode_value(u, out)?;
            out.push(u8::from(r.upper_inc));
        }
    }
    Ok(())
}

/// Where attribute `attr` sits in a live-column row (None if dropped):
/// counted, not collected, since it runs for every row written.
fn live_position(def: &TableDef, attr: usize) -> Option<usize> {
    if def.columns.get(attr)?.dropped {
        return None;
    }
    Some(def.columns[..attr].iter().filter(|c| !c.dropped).count())
}

/// The key of the key columns' values, in key order (a missing one reads
/// as NULL); also whether it has a NULL.
fn key_of<'v>(values: impl Iterator<Item = Option<&'v Value>>) -> Result<(Vec<u8>, bool)> {
    let mut key = Vec::with_capacity(16);
    let null = key_into(values, &mut key)?;
    Ok((key, null))
}

/// Appends the key of `values` (a missing one is NULL) to `out`; true if
/// it has a NULL.
fn key_into<'v>(
    values: impl Iterator<Item = Option<&'v Value>>,
    out: &mut Vec<u8>,
) -> Result<bool> {
    let mut null = false;
    for v in values {
        let v = v.unwrap_or(&Value::Null);
        null |= v.is_null();
        encode_value(v, out)?;
    }
    Ok(null)
}

/// The key of a live-column row; also whether it has a NULL.
pub fn row_key(def: &TableDef, index: &IndexDef, row: &[Value]) -> Result<(Vec<u8>, bool)> {
    key_of(
        index
            .columns
            .iter()
            .map(|&a| live_position(def, a).and_then(|p| row.get(p))),
    )
}

/// The key of a row decoded by attribute (every stored attribute, as
/// CREATE INDEX reads them); also whether it has a NULL.
pub fn attr_key(index: &IndexDef, values: &[Value]) -> Result<(Vec<u8>, bool)> {
    key_of(index.columns.iter().map(|&a| values.get(a)))
}

/// Appends the key of a row decoded by attribute to `out`; true if it
/// has a NULL.
pub fn attr_key_into(index: &IndexDef, values: &[Value], out: &mut Vec<u8>) -> Result<bool> {
    key_into(index.columns.iter().map(|&a| values.get(a)), out)
}

/// The expressions and predicate of `x`, an index of `def`, bound
/// against its live columns (once per definition).
fn bound<'x>(def: &TableDef, x: &'x IndexExprs) -> Result<&'x BoundIndex> {
    x.bound
        .get_or_init(|| {
            let scope = crate::binder::table_scope(def, None);
            let style = OutputStyle::default();
            let bind =
                |text: &str| super::bind_stored(def.rel.db, text, &style, &scope, |_, e| Ok(e));
            Ok(BoundIndex {
                exprs: x.exprs.iter().map(|t| bind(t)).collect::<Result<_>>()?,
                predicate: x.predicate.as_deref().map(bind).transpose()?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Each key column of `index`, as its pg_attribute row names and types
/// it: a column's own name and type; for an expression, the name
/// PostgreSQL's ChooseIndexColumnNames gives (`lower`, `expr`, numbered
/// when taken) and the expression's type.
pub fn key_columns(def: &TableDef, index: &IndexDef) -> Vec<(String, DataType, i32)> {
    let column = |a: usize| {
        def.columns
            .get(a)
            .map_or((String::new(), DataType::Unknown, -1), |c| {
                (c.name.clone(), c.ty, c.typmod)
            })
    };
    let Some(x) = &index.exprs else {
        return index.columns.iter().map(|&a| column(a)).collect();
    };
    let bound = bound(def, x).ok();
    let mut out: Vec<(String, DataType, i32)> = Vec::with_capacity(x.keys.len());
    let mut e = 0;
    for key in &x.keys {
        let (name, ty, typmod) = match key {
            Some(a) => column(*a),
            None => {
                let name = crate::parser::parse_expr(&x.exprs[e])
                    .ok()
                    .and_then(|a| crate::binder::figure_colname(&a))
                    .unwrap_or_else(|| "expr".into());
                let (ty, typmod) = bound
                    .and_then(|b| b.exprs.get(e))
                    .map_or((DataType::Unknown, -1), |b| (b.ty, b.typmod));
                e += 1;
                (name, ty, typmod)
            }
        };
        let mut unique = name.clone();
        let mut n = 0;
        while out.iter().any(|(o, _, _)| *o == unique) {
            n += 1;
            unique = format!("{name}{n}");
        }
        out.push((unique, ty, typmod));
    }
    out
}

/// Each key column of `index` as pg_get_indexdef prints it: a quoted
/// column name, an expression in parentheses unless it reads as a
/// function call. `pretty` as pg_get_indexdef's third argument.
pub fn key_texts(def: &TableDef, index: &IndexDef, pretty: bool) -> Vec<String> {
    let column = |a: usize| {
        def.columns
            .get(a)
            .map_or("?".into(), |c| crate::func::quote_ident(&c.name))
    };
    let Some(x) = &index.exprs else {
        return index.columns.iter().map(|&a| column(a)).collect();
    };
    let mut exprs = x.exprs.iter();
    x.keys
        .iter()
        .map(|key| match key {
            Some(a) => column(*a),
            None => {
                let text = exprs.next().map_or("", String::as_str);
                let printed = super::stored_sql(def, text, None, pretty, None);
                let call = matches!(
                    crate::parser::parse_expr(&printed),
                    Ok(sqlparser::ast::Expr::Function(_))
                );
                if call {
                    printed
                } else {
                    format!("({printed})")
                }
            }
        })
        .collect()
}

/// The key columns of `index` as pg_get_indexdef lists them: each
/// column or expression, its operator class when not the default, its
/// direction and NULLS placement when not the default.
pub fn key_list(def: &TableDef, index: &IndexDef, pretty: bool) -> String {
    key_texts(def, index, pretty)
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let opclass = index
                .opclasses
                .get(k)
                .and_then(|&o| crate::catalog::opclass_name(o))
                .map(|o| format!(" {o}"))
                .unwrap_or_default();
            format!("{n}{opclass}{}", option_suffix(index, k))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What pg_get_indexdef prints after key column `k` of `index`: its
/// direction and NULLS placement where they are not the default.
pub fn option_suffix(index: &IndexDef, k: usize) -> &'static str {
    match index.options.get(k).copied().unwrap_or(0) {
        1 => " DESC NULLS LAST",
        2 => " NULLS FIRST",
        3 => " DESC",
        _ => "",
    }
}

/// The WHERE predicate of a partial index as pg_get_indexdef prints it.
pub fn predicate_text(def: &TableDef, index: &IndexDef, pretty: bool) -> Option<String> {
    let text = index.exprs.as_ref()?.predicate.as_deref()?;
    Some(super::stored_sql(def, text, None, pretty, None))
}

/// The key values of a live-column row in an index with expressions or
/// a predicate: None when the predicate leaves the row out.
pub fn expr_key_values(
    def: &TableDef,
    x: &IndexExprs,
    row: &[Value],
    style: &OutputStyle,
) -> Result<Option<Vec<Value>>> {
    let b = bound(def, x)?;
    if let Some(p) = &b.predicate {
        if crate::expr::eval_detached(p, row, style)? != Value::Bool(true) {
            return Ok(None);
        }
    }
    let mut exprs = b.exprs.iter();
    let mut out = Vec::with_capacity(x.keys.len());
    for key in &x.keys {
        out.push(match key {
            Some(a) => live_position(def, *a)
                .and_then(|p| row.get(p))
                .cloned()
                .unwrap_or(Value::Null),
            None => match exprs.next() {
                Some(e) => crate::expr::eval_detached(e, row, style)?,
                None => Value::Null,
            },
        });
    }
    Ok(Some(out))
}

/// The entry key of a live-column row in `index` (None: a partial index
/// leaves it out); also whether it has a NULL.
pub fn entry_key(
    def: &TableDef,
    index: &IndexDef,
    row: &[Value],
    style: &OutputStyle,
) -> Result<Option<(Vec<u8>, bool)>> {
    let Some(x) = &index.exprs else {
        return row_key(def, index, row).map(Some);
    };
    match expr_key_values(def, x, row, style)? {
        Some(values) => key_of(values.iter().map(Some)).map(Some),
        None => Ok(None),
    }
}

/// Appends the entry key of a row decoded by attribute to `out`: None
/// when a partial index leaves the row out, else whether the key has a
/// NULL.
pub fn attr_entry_into(
    def: &TableDef,
    index: &IndexDef,
    values: &[Value],
    out: &mut Vec<u8>,
    style: &OutputStyle,
) -> Result<Option<bool>> {
    let Some(x) = &index.exprs else {
        return attr_key_into(index, values, out).map(Some);
    };
    let live: Vec<Value> = def
        .live()
        .map(|(i, _)| values.get(i).cloned().unwrap_or(Value::Null))
        .collect();
    match expr_key_values(def, x, &live, style)? {
        Some(key) => key_into(key.iter().map(Some), out).map(Some),
        None => Ok(None),
    }
}

/// `Key (a, b)=(1, 2)` as PostgreSQL's error details print it.
pub fn key_text(def: &TableDef, index: &IndexDef, row: &[Value], style: &OutputStyle) -> String {
    if let Some(x) = &index.exprs {
        let values = expr_key_values(def, x, row, style).ok().flatten();
        let values: Vec<String> = values
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_text(style).unwrap_or_else(|| "null".into()))
            .collect();
        return format!(
            "Key ({})=({})",
            key_texts(def, index, true).join(", "),
            values.join(", ")
        );
    }
    let names: Vec<&str> = index
        .columns
        .iter()
        .map(|&i| def.columns.get(i).map_or("?", |c| c.name.as_str()))
        .collect();
    let values: Vec<String> = index
        .columns
        .iter()
        .map(|&a| {
            live_position(def, a)
                .and_then(|p| row.get(p))
                .and_then(|v| v.to_text(style))
                .unwrap_or_else(|| "null".into())
        })
        .collect();
    format!("Key ({})=({})", names.join(", "), values.join(", "))
}

/// Adds the entries of a new row version (live-column values `row`, at
/// `tid`) to every index of its table; 23505 when a unique index already
/// holds the key.
pub fn insert_entries(
    engine: &Engine,
    def: &TableDef,
    row: &[Value],
    tid: Tid,
    who: &Actor<'_>,
    style: &OutputStyle,
) -> Result<()> {
    for index in def.indexes.iter().filter(|i| i.has_entries()) {
        let Some((key, null)) = entry_key(def, index, row, style)? else {
            continue;
        };
        let unique = (index.unique && !null).then_some(who);
        match engine.index_insert(index.rel, &key, tid, who.xid, unique) {
            Ok(UniqueCheck::Inserted) => {}
            Ok(UniqueCheck::Duplicate(_)) => {
                return Err(SqlError::new(
                    SqlState::UNIQUE_VIOLATION,
                    format!(
                        "duplicate key value violates unique constraint \"{}\"",
                        index.name
                    ),
                )
                .with_detail(format!(
                    "{} already exists.",
                    key_text(def, index, row, style)
                ))
                .with_object(Some(&def.name), None, Some(&index.name)))
            }
            Err(actorgres_storage::StorageError::IndexRowTooBig { size, max }) => {
                return Err(SqlError::index_row_too_big(size, max, &index.name));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Numeric;

    fn key(v: Value) -> Vec<u8> {
        let mut out = Vec::new();
        encode_value(&v, &mut out).unwrap();
        out
    }

    fn num(s: &str) -> Value {
        Value::Numeric(Numeric::parse(s).unwrap())
    }

    #[test]
    fn byte_order_is_value_order() {
        let ordered = [
            vec![
                Value::Int4(i32::MIN),
                Value::Int4(-1),
                Value::Int4(0),
                Value::Int4(7),
            ],
            vec![
                Value::Float8(f64::NEG_INFINITY),
                Value::Float8(-2.5),
                Value::Float8(-0.0),
                Value::Float8(1e-300),
                Value::Float8(3.0),
                Value::Float8(f64::INFINITY),
                Value::Float8(f64::NAN),
                Value::Null,
            ],
            vec![
                num("-100"),
                num("-99.5"),
                num("-0.001"),
                num("0"),
                num("0.00012"),
                num("0.5"),
                num("1"),
                num("1.5"),
                num("10"),
                num("123.45"),
                num("NaN"),
            ],
            vec![
                Value::Text(String::new()),
                Value::Text("a".into()),
                Value::Text("a\u{1}".into()),
                Value::Text("ab".into()),
                Value::Text("b".into()),
            ],
        ];
        for list in ordered {
            for w in list.windows(2) {
                assert!(
                    key(w[0].clone()) < key(w[1].clone()),
                    "{:?} < {:?}",
                    w[0],
                    w[1]
                );
            }
        }
    }

    #[test]
    fn equal_values_have_equal_keys() {
        assert_eq!(key(num("1.0")), key(num("1.00")));
        assert_eq!(key(num("-0.0")), key(num("0")));
        assert_eq!(key(Value::Float8(0.0)), key(Value::Float8(-0.0)));
        assert_eq!(key(Value::Float8(f64::NAN)), key(Value::Float8(-f64::NAN)));
        assert_ne!(key(num("1.5")), key(num("15")));
    }
}
