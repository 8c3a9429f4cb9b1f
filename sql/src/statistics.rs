//! Column statistics, as PostgreSQL's ANALYZE computes them
//! (analyze.c's compute_scalar_stats, compute_trivial_stats and
//! analyze_mcv_list): the fraction of NULLs, the average stored width,
//! the number of distinct values (Haas and Stokes' estimator), the most
//! common values with their frequencies, equi-depth histogram bounds of
//! the rest, and the correlation of value order with physical order.
//!
//! The computation is a pure function of the sample so that a table
//! small enough to be read whole (at most 300 × the statistics target
//! rows) gets exactly PostgreSQL's figures.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// Values whose stored form is wider than this take part in the NULL
/// fraction and width but not in the distinct count, MCVs or histogram
/// (PostgreSQL's WIDTH_THRESHOLD).
const WIDTH_THRESHOLD: usize = 1024;

/// What ANALYZE keeps of one column (a pg_statistic row).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnStats {
    /// stanullfrac.
    pub null_frac: f32,
    /// stawidth: the average stored width of the non-null values.
    pub width: i32,
    /// stadistinct: a count when positive, minus a fraction of the rows
    /// when negative (the count grows with the table), 0 when unknown.
    pub distinct: f32,
    /// The most common values, most common first.
    pub mcv: Vec<Value>,
    /// Their frequencies (fractions of all rows).
    pub mcf: Vec<f32>,
    /// Histogram bounds of the values that are not MCVs, ascending.
    pub histogram: Vec<Value>,
    /// Correlation of sorted order with physical order, -1 .. 1.
    pub correlation: Option<f32>,
}

impl ColumnStats {
    /// The number of distinct non-null values among `rows` rows.
    pub fn distinct_values(&self, rows: f64) -> f64 {
        if self.distinct > 0.0 {
            f64::from(self.distinct)
        } else if self.distinct < 0.0 {
            (-f64::from(self.distinct) * rows).round().max(1.0)
        } else {
            0.0
        }
    }
}

/// A pg_statistic row as the catalog holds it: the values still their
/// text, read as the column's type only when statistics are used.
#[derive(Debug, Clone)]
pub struct StoredColumn {
    /// The attribute index.
    pub attr: usize,
    /// stainherit.
    pub inherited: bool,
    /// The column's type.
    pub ty: DataType,
    /// stanullfrac.
    pub null_frac: f32,
    /// stawidth.
    pub width: i32,
    /// stadistinct.
    pub distinct: f32,
    /// The most common values' text.
    pub mcv: Vec<String>,
    /// Their frequencies.
    pub mcf: Vec<f32>,
    /// The histogram bounds' text.
    pub histogram: Vec<String>,
    /// stacorrelation.
    pub correlation: Option<f32>,
}

impl StoredColumn {
    /// The statistics with their values read as the column's type (a
    /// value that no longer reads stays text).
    fn parse(&self) -> ColumnStats {
        let style = OutputStyle::default();
        let values = |texts: &[String]| -> Vec<Value> {
            texts
                .iter()
                .map(|t| {
                    crate::cast::parse_text(t, self.ty, &style)
                        .unwrap_or_else(|_| Value::Text(t.clone()))
                })
                .collect()
        };
        ColumnStats {
            null_frac: self.null_frac,
            width: self.width,
            distinct: self.distinct,
            mcv: values(&self.mcv),
            mcf: self.mcf.clone(),
            histogram: values(&self.histogram),
            correlation: self.correlation,
        }
    }
}

/// (attribute index, statistics) of each analyzed column.
type ColumnList = Vec<(usize, Arc<ColumnStats>)>;

/// A table's statistics: pg_class's relpages and reltuples, and its
/// columns' rows of pg_statistic, read as values the first time the
/// planner or pg_stats asks (a table definition loaded to list the
/// catalog never pays for it).
#[derive(Debug, Clone)]
pub struct TableStats {
    /// relpages: blocks at the last ANALYZE.
    pub pages: i32,
    /// reltuples: live rows at the last ANALYZE, -1 before the first.
    pub tuples: f32,
    /// The pg_statistic rows.
    stored: Vec<StoredColumn>,
    /// The table's own columns' statistics, and those over the table and
    /// everything below it (partitions, inheritance children).
    parsed: std::sync::OnceLock<(ColumnList, ColumnList)>,
}

impl Default for TableStats {
    fn default() -> Self {
        TableStats::new(0, -1.0, Vec::new())
    }
}

impl TableStats {
    /// The statistics of pg_class's relpages / reltuples and the
    /// table's pg_statistic rows.
    pub fn new(pages: i32, tuples: f32, stored: Vec<StoredColumn>) -> TableStats {
        TableStats {
            pages,
            tuples,
            stored,
            parsed: std::sync::OnceLock::new(),
        }
    }

    fn parsed(&self) -> &(ColumnList, ColumnList) {
        self.parsed.get_or_init(|| {
            let (inherited, own): (Vec<&StoredColumn>, Vec<&StoredColumn>) =
                self.stored.iter().partition(|c| c.inherited);
            let list = |cols: Vec<&StoredColumn>| -> ColumnList {
                cols.into_iter()
                    .map(|c| (c.attr, Arc::new(c.parse())))
                    .collect()
            };
            (list(own), list(inherited))
        })
    }

    /// The table's own analyzed columns.
    pub fn columns(&self) -> &[(usize, Arc<ColumnStats>)] {
        &self.parsed().0
    }

    /// The same over the table and everything below it: stainherit.
    pub fn inherited(&self) -> &[(usize, Arc<ColumnStats>)] {
        &self.parsed().1
    }

    /// The statistics of attribute `attr`, if ANALYZE gathered them.
    pub fn column(&self, attr: usize) -> Option<&Arc<ColumnStats>> {
        self.columns()
            .iter()
            .find(|(a, _)| *a == attr)
            .map(|(_, s)| s)
    }

    /// The table's rows now that it has `blocks` blocks: the density
    /// ANALYZE saw scaled to the current size (PostgreSQL's
    /// estimate_rel_size); None before the first ANALYZE.
    pub fn rows_at(&self, blocks: u32) -> Option<f64> {
        if self.tuples < 0.0 {
            return None;
        }
        if blocks == 0 {
            return Some(0.0);
        }
        if self.pages > 0 {
            let density = f64::from(self.tuples) / f64::from(self.pages);
            return Some((density * f64::from(blocks)).round());
        }
        None
    }
}

/// Values as a text[] of their output forms (how pg_statistic keeps
/// them, and how pg_stats shows them whatever their type); NULL for none.
pub fn text_array(values: &[Value], style: &OutputStyle) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    Value::Array(crate::value::ArrayRef::new(
        values
            .iter()
            .map(|v| Value::Text(v.to_text(style).unwrap_or_default()))
            .collect(),
    ))
}

/// Frequencies as a real[]; NULL for none.
pub fn float_array(numbers: &[f32]) -> Value {
    if numbers.is_empty() {
        return Value::Null;
    }
    Value::Array(crate::value::ArrayRef::new(
        numbers.iter().map(|&f| Value::Float4(f)).collect(),
    ))
}

/// Computes a column's statistics from its values in a sample (in the
/// order the sample read them) of a table estimated to hold
/// `total_rows` rows; `target` is the column's statistics target.
/// `sortable` is false for types without a B-tree ordering (json):
/// those get the NULL fraction and width only. None for an empty sample.
pub fn compute(
    sample: &[Value],
    ty: DataType,
    sortable: bool,
    total_rows: f64,
    target: usize,
) -> Option<ColumnStats> {
    let samplerows = sample.len();
    let mut null_cnt = 0usize;
    let mut toowide_cnt = 0usize;
    let mut total_width = 0f64;
    let fixed = fixed_width(ty);
    // (value, its position among the kept values)
    let mut values: Vec<(&Value, usize)> = Vec::with_capacity(samplerows);
    for v in sample {
        if v.is_null() {
            null_cnt += 1;
            continue;
        }
        if fixed.is_none() {
            let w = if ty == DataType::Jsonb {
                jsonb_width(v)
            } else {
                stored_width(v)
            };
            total_width += w as f64;
            if w > WIDTH_THRESHOLD {
                toowide_cnt += 1;
                continue;
            }
        }
        let at = values.len();
        values.push((v, at));
    }
    let nonnull_cnt = samplerows - null_cnt;
    if samplerows == 0 {
        return None;
    }
    let null_frac = null_cnt as f64 / samplerows as f64;
    let width = match fixed {
        Some(w) => w,
        None if nonnull_cnt == 0 => 0,
        None => (total_width / nonnull_cnt as f64) as i32,
    };
    let mut stats = ColumnStats {
        null_frac: null_frac as f32,
        width,
        distinct: 0.0,
        mcv: Vec::new(),
        mcf: Vec::new(),
        histogram: Vec::new(),
        correlation: None,
    };
    if nonnull_cnt == 0 {
        stats.null_frac = 1.0;
        return Some(stats);
    }
    if !sortable {
        return Some(stats);
    }
    if values.is_empty() {
        // Every value too wide: all taken as distinct.
        stats.distinct = (-(1.0 - null_frac)) as f32;
        return Some(stats);
    }
    values.sort_by(|a, b| order(a.0, b.0).then(a.1.cmp(&b.1)));
    let values_cnt = values.len();

    // Groups of equal values, the correlation sum, and the MCV
    // candidates: values seen more than once, most frequent first (ties
    // in value order), at most `target` of them.
    let mut corr_xysum = 0f64;
    let mut ndistinct = 0usize;
    let mut nmultiple = 0usize;
    let mut track: Vec<(usize, usize)> = Vec::new(); // (count, first index)
    let mut i = 0;
    while i < values_cnt {
        let mut j = i + 1;
        while j < values_cnt && order(values[j].0, values[i].0) == Ordering::Equal {
            j += 1;
        }
        for (k, v) in values.iter().enumerate().take(j).skip(i) {
            corr_xysum += k as f64 * v.1 as f64;
        }
        let dups = j - i;
        ndistinct += 1;
        if dups > 1 {
            nmultiple += 1;
            if track.len() < target || track.last().is_some_and(|t| dups > t.0) {
                if track.len() == target {
                    track.pop();
                }
                let at = track.iter().position(|t| dups > t.0).unwrap_or(track.len());
                track.insert(at, (dups, i));
            }
        }
        i = j;
    }

    let distinct = if nmultiple == 0 {
        -(1.0 - null_frac)
    } else if toowide_cnt == 0 && nmultiple == ndistinct {
        ndistinct as f64
    } else {
        let f1 = (ndistinct - nmultiple + toowide_cnt) as f64;
        let d = f1 + nmultiple as f64;
        let n = (samplerows - null_cnt) as f64;
        let big_n = total_rows * (1.0 - null_frac);
        let mut est = if big_n > 0.0 {
            (n * d) / ((n - f1) + f1 * n / big_n)
        } else {
            0.0
        };
        if est < d {
            est = d;
        }
        if est > big_n {
            est = big_n;
        }
        (est + 0.5).floor()
    };
    let distinct = if distinct > 0.1 * total_rows {
        -(distinct / total_rows)
    } else {
        distinct
    };
    stats.distinct = distinct as f32;

    let mut num_mcv = target;
    if track.len() == ndistinct && toowide_cnt == 0 && distinct > 0.0 && track.len() <= num_mcv {
        num_mcv = track.len();
    } else {
        num_mcv = num_mcv.min(track.len());
        if num_mcv > 0 {
            let counts: Vec<usize> = track[..num_mcv].iter().map(|t| t.0).collect();
            num_mcv = mcv_list_length(&counts, distinct, null_frac, samplerows, total_rows);
        }
    }
    track.truncate(num_mcv);
    for &(count, first) in &track {
        stats.mcv.push(values[first].0.clone());
        stats.mcf.push((count as f64 / samplerows as f64) as f32);
    }

    // The histogram: equally spaced bounds over the values left once
    // the MCVs are taken out.
    let mut num_hist = ndistinct - num_mcv;
    if num_hist > target {
        num_hist = target + 1;
    }
    if num_hist >= 2 {
        let mut taken = track.clone();
        taken.sort_by_key(|t| t.1);
        let rest: Vec<&Value> = if taken.is_empty() {
            values.iter().map(|v| v.0).collect()
        } else {
            let mut out = Vec::with_capacity(values_cnt);
            let mut src = 0;
            for &(count, first) in &taken {
                out.extend(values[src..first].iter().map(|v| v.0));
                src = first + count;
            }
            out.extend(values[src..].iter().map(|v| v.0));
            out
        };
        let nvals = rest.len();
        let delta = (nvals - 1) / (num_hist - 1);
        let deltafrac = (nvals - 1) % (num_hist - 1);
        let (mut pos, mut posfrac) = (0, 0);
        for _ in 0..num_hist {
            stats.histogram.push(rest[pos].clone());
            pos += delta;
            posfrac += deltafrac;
            if posfrac >= num_hist - 1 {
                pos += 1;
                posfrac -= num_hist - 1;
            }
        }
    }

    if values_cnt > 1 {
        let n = values_cnt as f64;
        let xsum = (n - 1.0) * n / 2.0;
        let x2sum = (n - 1.0) * n * (2.0 * n - 1.0) / 6.0;
        stats.correlation =
            Some(((n * corr_xysum - xsum * xsum) / (n * x2sum - xsum * xsum)) as f32);
    }
    Some(stats)
}

/// How many of the MCV candidates (counts, most common first) are kept:
/// those clearly more common than the values outside the list
/// (PostgreSQL's analyze_mcv_list, keeping a candidate when its count
/// exceeds the average of the rest by two standard deviations).
fn mcv_list_length(
    counts: &[usize],
    distinct: f64,
    null_frac: f64,
    samplerows: usize,
    total_rows: f64,
) -> usize {
    let mut num_mcv = counts.len();
    if samplerows as f64 == total_rows || total_rows <= 1.0 {
        return num_mcv;
    }
    let ndistinct_table = if distinct < 0.0 {
        -distinct * total_rows
    } else {
        distinct
    };
    let mut sumcount: f64 = counts[..num_mcv - 1].iter().map(|&c| c as f64).sum();
    while num_mcv > 0 {
        let mut selec = (1.0 - sumcount / samplerows as f64 - null_frac).clamp(0.0, 1.0);
        let otherdistinct = ndistinct_table - (num_mcv as f64 - 1.0);
        if otherdistinct > 1.0 {
            selec /= otherdistinct;
        }
        let big_n = total_rows;
        let n = samplerows as f64;
        let k = big_n * counts[num_mcv - 1] as f64 / n;
        let variance = n * k * (big_n - k) * (big_n - n) / (big_n * big_n * (big_n - 1.0));
        let stddev = variance.sqrt();
        if counts[num_mcv - 1] as f64 > selec * n + 2.0 * stddev + 0.5 {
            break;
        }
        num_mcv -= 1;
        if num_mcv == 0 {
            break;
        }
        sumcount -= counts[num_mcv - 1] as f64;
    }
    num_mcv
}

/// The sort order ANALYZE uses (NULLs never reach it).
fn order(a: &Value, b: &Value) -> Ordering {
    a.compare(b).unwrap_or(Ordering::Equal)
}

/// pg_type.typlen of a fixed-width type, else None (varlena).
fn fixed_width(ty: DataType) -> Option<i32> {
    match ty.typlen() {
        n if n > 0 => Some(i32::from(n)),
        _ => None,
    }
}

/// The size of a variable-length value as PostgreSQL stores it in a
/// heap tuple (VARSIZE_ANY): a one-byte header up to 126 bytes of data,
/// four bytes beyond.
fn stored_width(v: &Value) -> usize {
    let data = match v {
        Value::Text(s) => s.len(),
        Value::Bytea(b) => b.len(),
        Value::Numeric(_) => return numeric_width(&v.to_text(&OutputStyle::default())),
        Value::Array(a) => {
            let items = a.items();
            let nulls = if items.iter().any(Value::is_null) {
                items.len().div_ceil(8)
            } else {
                0
            };
            let elems: usize = items
                .iter()
                .filter(|e| !e.is_null())
                .map(|e| match e {
                    Value::Bool(_) => 1,
                    Value::Int2(_) => 2,
                    Value::Int4(_) | Value::Float4(_) | Value::Date(_) | Value::Oid(_) => 4,
                    Value::Int8(_) | Value::Float8(_) | Value::Timestamp(_) => 8,
                    Value::TimestampTz(_) | Value::Time(_) => 8,
                    Value::Interval(_) | Value::Uuid(_) => 16,
                    other => stored_width(other).next_multiple_of(4),
                })
                .sum();
            // ndim, dataoffset, elemtype, one dimension and its lower
            // bound, after the length word below.
            20 + nulls + elems
        }
        other => other
            .to_text(&OutputStyle::default())
            .map_or(0, |t| t.len()),
    };
    if data <= 126 {
        data + 1
    } else {
        data + 4
    }
}

/// A jsonb value's stored size: its binary containers (a header and a
/// four-byte entry per element or key and value, keys' and strings'
/// bytes, numerics as varlenas and nested containers aligned to four
/// bytes), under the varlena header.
fn jsonb_width(v: &Value) -> usize {
    use crate::func::jsonb::Json;
    fn pad(len: &mut usize) {
        *len = len.next_multiple_of(4);
    }
    fn child(v: &Json, len: &mut usize) {
        match v {
            Json::String(s) => *len += s.len(),
            Json::Number(n) => {
                pad(len);
                *len += numeric_width(&Some(n.clone())) + 3;
            }
            Json::Array(_) | Json::Object(_) => {
                pad(len);
                container(v, len);
            }
            Json::Null | Json::Bool(_) => {}
        }
    }
    fn container(v: &Json, len: &mut usize) {
        match v {
            Json::Array(items) => {
                *len += 4 + 4 * items.len();
                items.iter().for_each(|i| child(i, len));
            }
            Json::Object(pairs) => {
                *len += 4 + 8 * pairs.len();
                pairs.iter().for_each(|(k, _)| *len += k.len());
                pairs.iter().for_each(|(_, i)| child(i, len));
            }
            // A scalar at the top is a one-element array.
            scalar => {
                *len += 8;
                child(scalar, len);
            }
        }
    }
    let Value::Text(text) = v else {
        return stored_width(v);
    };
    let Ok(parsed) = crate::func::jsonb::parse(text, DataType::Jsonb) else {
        return stored_width(v);
    };
    let mut len = 4;
    container(&parsed, &mut len);
    if len - 4 <= 126 {
        len - 3
    } else {
        len
    }
}

/// A numeric's stored size: header, then base-10000 digit groups
/// aligned at the decimal point, without leading or trailing zero
/// groups (the short form's two-byte header).
fn numeric_width(text: &Option<String>) -> usize {
    let Some(t) = text else { return 3 };
    let t = t.trim_start_matches('-');
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        return 3; // NaN, Infinity
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let int = int.trim_start_matches('0');
    let mut groups: Vec<bool> = Vec::new(); // true: a non-zero group
    let lead = int.len() % 4;
    let mut rest = int;
    if lead > 0 {
        groups.push(rest[..lead].bytes().any(|b| b != b'0'));
        rest = &rest[lead..];
    }
    while !rest.is_empty() {
        groups.push(rest[..4].bytes().any(|b| b != b'0'));
        rest = &rest[4..];
    }
    let mut f = frac;
    while !f.is_empty() {
        let n = f.len().min(4);
        groups.push(f[..n].bytes().any(|b| b != b'0'));
        f = &f[n..];
    }
    let first = groups.iter().position(|&g| g);
    let last = groups.iter().rposition(|&g| g);
    let digits = match (first, last) {
        (Some(a), Some(b)) => b - a + 1,
        _ => 0,
    };
    1 + 2 + 2 * digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i32]) -> Vec<Value> {
        v.iter().map(|&i| Value::Int4(i)).collect()
    }

    #[test]
    fn a_unique_column_is_a_negative_fraction_with_a_histogram() {
        let sample = ints(&(1..=100).collect::<Vec<_>>());
        let s = compute(&sample, DataType::Int4, true, 100.0, 100).unwrap();
        assert_eq!(s.distinct, -1.0);
        assert!(s.mcv.is_empty());
        assert_eq!(s.histogram.len(), 100);
        assert_eq!(s.correlation, Some(1.0));
        assert_eq!(s.width, 4);
    }

    #[test]
    fn repeated_values_become_mcvs_in_frequency_order() {
        let sample = ints(&[3, 1, 3, 2, 3, 1]);
        let s = compute(&sample, DataType::Int4, true, 6.0, 100).unwrap();
        assert_eq!(s.mcv, ints(&[3, 1]));
        assert_eq!(s.mcf, vec![0.5, 1.0 / 3.0]);
        // 2 appears once: the estimate clamps to the sample's 3 values,
        // more than a tenth of the table.
        assert_eq!(s.distinct, -0.5);
        assert!(s.histogram.is_empty());
    }

    #[test]
    fn nulls_and_text_widths() {
        let sample = vec![
            Value::Null,
            Value::Text("abc".into()),
            Value::Null,
            Value::Text("a".into()),
        ];
        let s = compute(&sample, DataType::Text, true, 4.0, 100).unwrap();
        assert_eq!(s.null_frac, 0.5);
        assert_eq!(s.width, 3);
        assert_eq!(numeric_width(&Some("123.45".into())), 7);
        assert_eq!(numeric_width(&Some("0".into())), 3);
        assert_eq!(numeric_width(&Some("10000".into())), 5);
    }
}
