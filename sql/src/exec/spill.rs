//! Temp files for operators that outgrow work_mem.
//!
//! Rows are written in a self-describing binary form (a tag per value)
//! to files under `base/pgsql_tmp` in the data directory, named as
//! PostgreSQL names them (`pgsql_tmp<pid>.<n>`). A file is removed when
//! its handle is dropped — at the end of the operator, the statement, or
//! an error — and the directory is emptied at server start.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use actorgres_memory::{Budget, LocalMemory};

use super::Row;
use crate::error::{Result, SqlError, SqlState};
use crate::value::{Bits, Inet, Interval, Numeric, Value, XidSnapshot};

/// Where a statement's operators spill and whom they report to.
pub struct SpillCtx<'a> {
    /// The backend's local memory (budgets, temp file counters).
    pub memory: &'a LocalMemory,
    /// `base/pgsql_tmp` of the data directory.
    pub dir: PathBuf,
    /// Backend pid, for file names.
    pub pid: i32,
    /// The database's temp file counters (pg_stat_database).
    pub db_stats: &'a TempStats,
    /// Every database's counters, by OID.
    pub all_stats:
        &'a parking_lot::Mutex<std::collections::HashMap<u32, std::sync::Arc<TempStats>>>,
}

/// A database's temp_files / temp_bytes counters.
#[derive(Debug, Default)]
pub struct TempStats {
    /// Temp files written.
    pub files: AtomicU64,
    /// Bytes written to them.
    pub bytes: AtomicU64,
}

/// Next file number (unique in the server process).
static NEXT_FILE: AtomicU64 = AtomicU64::new(0);

/// The directory below the data directory.
pub fn temp_dir(root: &Path) -> PathBuf {
    root.join("base").join("pgsql_tmp")
}

/// Removes temp files a previous server run left behind.
pub fn remove_leftovers(root: &Path) {
    let _ = std::fs::remove_dir_all(temp_dir(root));
}

/// A work_mem budget, or None when the statement has no local memory
/// (internal statements): then operators never spill.
pub fn budget(spill: Option<&SpillCtx<'_>>) -> Option<Budget> {
    spill.map(|s| s.memory.work_budget())
}

/// A maintenance_work_mem budget (CREATE INDEX's sort), or None.
pub fn maintenance_budget(spill: Option<&SpillCtx<'_>>) -> Option<Budget> {
    spill.map(|s| s.memory.maintenance_budget())
}

/// A hash table's budget (work_mem × hash_mem_multiplier), or None.
pub fn hash_budget(spill: Option<&SpillCtx<'_>>) -> Option<Budget> {
    spill.map(|s| s.memory.hash_budget())
}

/// Reserves `n` bytes; true when there is no budget at all.
pub fn reserve(budget: &mut Option<Budget>, n: u64) -> bool {
    budget.as_mut().is_none_or(|b| b.try_reserve(n))
}

/// An estimate of the memory a row takes.
pub fn row_size(row: &[Value]) -> u64 {
    let heap: usize = row
        .iter()
        .map(|v| match v {
            Value::Text(s) => s.len(),
            Value::Bytea(b) => b.len(),
            Value::Numeric(_) => 32,
            _ => 0,
        })
        .sum();
    (48 + std::mem::size_of_val(row) + heap) as u64
}

/// A temp file being written.
pub struct TempWriter {
    /// Buffered file.
    out: BufWriter<File>,
    /// Its path (removed on drop of the reader or writer).
    path: Remove,
    /// Bytes written.
    bytes: u64,
}

/// Removes a path when dropped.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> SqlError {
    let code = if e.raw_os_error() == Some(28) {
        SqlState::DISK_FULL
    } else {
        SqlState::IO_ERROR
    };
    SqlError::new(
        code,
        format!(
            "could not {what} temporary file \"{}\": {e}",
            path.display()
        ),
    )
}

impl TempWriter {
    /// Creates a new temp file.
    pub fn create(spill: &SpillCtx<'_>) -> Result<TempWriter> {
        std::fs::create_dir_all(&spill.dir).map_err(|e| io_error("create", &spill.dir, e))?;
        let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
        let path = spill.dir.join(format!("pgsql_tmp{}.{n}", spill.pid));
        let file = File::create(&path).map_err(|e| io_error("create", &path, e))?;
        Ok(TempWriter {
            out: BufWriter::with_capacity(64 * 1024, file),
            path: Remove(path),
            bytes: 0,
        })
    }

    /// Appends one row.
    pub fn write_row(&mut self, row: &[Value]) -> Result<()> {
        let mut buf = Vec::with_capacity(64);
        encode_row(row, &mut buf);
        let len = (buf.len() as u32).to_le_bytes();
        self.out
            .write_all(&len)
            .and_then(|()| self.out.write_all(&buf))
            .map_err(|e| io_error("write to", &self.path.0, e))?;
        self.bytes += 4 + buf.len() as u64;
        Ok(())
    }

    /// Ends writing, counts the file, and opens it for reading.
    pub fn finish(self, spill: &SpillCtx<'_>) -> Result<TempReader> {
        let TempWriter { out, path, bytes } = self;
        let file = out
            .into_inner()
            .map_err(|e| io_error("write to", &path.0, e.into_error()))?;
        drop(file);
        spill.memory.record_spill(bytes);
        spill.db_stats.files.fetch_add(1, Ordering::Relaxed);
        spill.db_stats.bytes.fetch_add(bytes, Ordering::Relaxed);
        let file = File::open(&path.0).map_err(|e| io_error("open", &path.0, e))?;
        Ok(TempReader {
            input: BufReader::with_capacity(64 * 1024, file),
            path,
            bytes,
        })
    }
}

/// A finished temp file read back in order.
pub struct TempReader {
    /// Buffered file.
    input: BufReader<File>,
    /// Removed on drop.
    path: Remove,
    /// Size in bytes.
    pub bytes: u64,
}

impl TempReader {
    /// The next row, or None at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        let mut len = [0u8; 4];
        match self.input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io_error("read from", &self.path.0, e)),
        }
        let mut buf = vec![0u8; u32::from_le_bytes(len) as usize];
        self.input
            .read_exact(&mut buf)
            .map_err(|e| io_error("read from", &self.path.0, e))?;
        decode_row(&buf).map(Some).ok_or_else(|| {
            SqlError::new(
                SqlState::DATA_CORRUPTED,
                format!("temporary file \"{}\" is damaged", self.path.0.display()),
            )
        })
    }
}

fn encode_row(row: &[Value], out: &mut Vec<u8>) {
    out.extend((row.len() as u32).to_le_bytes());
    for v in row {
        encode_value(v, out);
    }
}

fn bytes_field(tag: u8, b: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    out.extend((b.len() as u32).to_le_bytes());
    out.extend(b);
}

fn encode_value(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend([1, u8::from(*b)]),
        Value::Int2(i) => {
            out.push(2);
            out.extend(i.to_le_bytes());
        }
        Value::Int4(i) => {
            out.push(3);
            out.extend(i.to_le_bytes());
        }
        Value::Int8(i) => {
            out.push(4);
            out.extend(i.to_le_bytes());
        }
        Value::Float4(f) => {
            out.push(5);
            out.extend(f.to_le_bytes());
        }
        Value::Float8(f) => {
            out.push(6);
            out.extend(f.to_le_bytes());
        }
        Value::Numeric(n) => bytes_field(7, n.to_string().as_bytes(), out),
        Value::Text(s) => bytes_field(8, s.as_bytes(), out),
        Value::Bytea(b) => bytes_field(9, b, out),
        Value::Date(d) => {
            out.push(10);
            out.extend(d.to_le_bytes());
        }
        Value::Time(t) => {
            out.push(11);
            out.extend(t.to_le_bytes());
        }
        Value::Timestamp(t) => {
            out.push(12);
            out.extend(t.to_le_bytes());
        }
        Value::TimestampTz(t) => {
            out.push(13);
            out.extend(t.to_le_bytes());
        }
        Value::Interval(iv) => {
            out.push(14);
            out.extend(iv.months.to_le_bytes());
            out.extend(iv.days.to_le_bytes());
            out.extend(iv.micros.to_le_bytes());
        }
        Value::Uuid(u) => {
            out.push(15);
            out.extend(u);
        }
        Value::Inet(ip) => bytes_field(16, ip.show().as_bytes(), out),
        Value::Cidr(ip) => bytes_field(41, ip.show().as_bytes(), out),
        Value::MacAddr(m) => {
            out.push(42);
            out.extend(m);
        }
        Value::MacAddr8(m) => {
            out.push(43);
            out.extend(m);
        }
        Value::Snapshot(s) => bytes_field(46, s.to_text().as_bytes(), out),
        Value::Lsn(l) => {
            out.push(45);
            out.extend(l.to_le_bytes());
        }
        Value::Bits(b) => {
            out.push(44);
            out.extend((b.len() as u64).to_le_bytes());
            out.extend((b.bytes().len() as u32).to_le_bytes());
            out.extend(b.bytes());
        }
        Value::Oid(o) => {
            out.push(17);
            out.extend(o.to_le_bytes());
        }
        Value::Regtype(o) => {
            out.push(18);
            out.extend(o.to_le_bytes());
        }
        Value::Void => out.push(19),
        Value::TimeTz(t, z) => {
            out.push(30);
            out.extend(t.to_le_bytes());
            out.extend(z.to_le_bytes());
        }
        Value::Money(c) => {
            out.push(40);
            out.extend(c.to_le_bytes());
        }
        Value::Named(o, name) => {
            out.push(21);
            out.extend(o.to_le_bytes());
            bytes_field(22, name.as_bytes(), out);
        }
        Value::Enum(l) => {
            out.push(24);
            out.extend(l.oid.to_le_bytes());
        }
        Value::Range(r) => {
            out.push(31);
            r.encode(out, &mut |v, out| encode_value(v, out));
        }
        Value::TsVector(t) => {
            let mut s = String::new();
            t.write(&mut s);
            bytes_field(35, s.as_bytes(), out);
        }
        Value::TsQuery(q) => {
            let mut s = String::new();
            q.write(&mut s);
            bytes_field(36, s.as_bytes(), out);
        }
        Value::Geo(g) => {
            out.push(33);
            out.push(g.kind());
            bytes_field(34, &g.to_binary(), out);
        }
        Value::Multirange(m) => {
            out.push(32);
            m.encode(out, &mut |v, out| encode_value(v, out));
        }
        Value::Record(fields) => {
            out.push(25);
            let names = fields.field_names().unwrap_or_default();
            let items = fields.items();
            out.extend((items.len() as u32).to_le_bytes());
            for (v, name) in items.iter().zip(names) {
                bytes_field(8, name.as_bytes(), out);
                encode_value(v, out);
            }
        }
        Value::Array(items) => {
            // A shaped array: its dimensions, then the elements as any.
            if items.is_shaped() {
                out.push(26);
                let dims = items.dims();
                out.push(dims.len() as u8);
                for d in dims {
                    out.extend(d.lower.to_le_bytes());
                    out.extend(d.len.to_le_bytes());
                }
            }
            out.push(if items.is_vector() { 23 } else { 20 });
            let items = items.items();
            out.extend((items.len() as u32).to_le_bytes());
            for v in items {
                encode_value(v, out);
            }
        }
    }
}

/// Reads fixed-size fields from a byte slice.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_at_checked(N)?;
        self.0 = rest;
        head.try_into().ok()
    }

    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = u32::from_le_bytes(self.take::<4>()?) as usize;
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head.to_vec())
    }

    fn text(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }
}

fn decode_row(buf: &[u8]) -> Option<Row> {
    let mut c = Cursor(buf);
    let n = u32::from_le_bytes(c.take::<4>()?) as usize;
    let mut row = Vec::with_capacity(n.min(1600));
    for _ in 0..n {
        row.push(decode_value(&mut c, true)?);
    }
    Some(row)
}

/// A range as [`RangeValue::encode`](crate::value::range::RangeValue::encode)
/// wrote it.
fn decode_range(c: &mut Cursor<'_>) -> Option<crate::value::range::RangeValue> {
    let [empty, lower_inc, upper_inc] = c.take::<3>()?;
    let bound = |c: &mut Cursor<'_>| -> Option<Option<Value>> {
        match c.take::<1>()? {
            [0] => Some(None),
            _ => Some(Some(decode_value(c, false)?)),
        }
    };
    let lower = bound(c)?;
    let upper = bound(c)?;
    Some(crate::value::range::RangeValue {
        empty: empty != 0,
        lower,
        upper,
        lower_inc: lower_inc != 0,
        upper_inc: upper_inc != 0,
    })
}

/// One value; arrays are one-dimensional, so an array inside an array
/// is damage (and cannot nest deep enough to exhaust the stack).
fn decode_value(c: &mut Cursor<'_>, array_ok: bool) -> Option<Value> {
    let [tag] = c.take::<1>()?;
    Some(match tag {
        0 => Value::Null,
        1 => Value::Bool(c.take::<1>()?[0] != 0),
        2 => Value::Int2(i16::from_le_bytes(c.take()?)),
        3 => Value::Int4(i32::from_le_bytes(c.take()?)),
        4 => Value::Int8(i64::from_le_bytes(c.take()?)),
        5 => Value::Float4(f32::from_le_bytes(c.take()?)),
        6 => Value::Float8(f64::from_le_bytes(c.take()?)),
        7 => Value::Numeric(Numeric::parse(&c.text()?).ok()?),
        8 => Value::Text(c.text()?),
        9 => Value::Bytea(c.bytes()?),
        10 => Value::Date(i32::from_le_bytes(c.take()?)),
        11 => Value::Time(i64::from_le_bytes(c.take()?)),
        12 => Value::Timestamp(i64::from_le_bytes(c.take()?)),
        13 => Value::TimestampTz(i64::from_le_bytes(c.take()?)),
        14 => Value::Interval(Interval {
            months: i32::from_le_bytes(c.take()?),
            days: i32::from_le_bytes(c.take()?),
            micros: i64::from_le_bytes(c.take()?),
        }),
        15 => Value::Uuid(c.take()?),
        16 => Value::Inet(Inet::parse(&c.text()?, false).ok()?),
        41 => Value::Cidr(Inet::parse(&c.text()?, true).ok()?),
        42 => Value::MacAddr(c.take()?),
        43 => Value::MacAddr8(c.take()?),
        45 => Value::Lsn(u64::from_le_bytes(c.take()?)),
        46 => Value::Snapshot(std::sync::Arc::new(XidSnapshot::parse(&c.text()?).ok()?)),
        44 => {
            let len = u64::from_le_bytes(c.take()?) as usize;
            Value::Bits(std::sync::Arc::new(Bits::from_stored(len, c.bytes()?)?))
        }
        17 => Value::Oid(u32::from_le_bytes(c.take()?)),
        18 => Value::Regtype(u32::from_le_bytes(c.take()?)),
        19 => Value::Void,
        30 => Value::TimeTz(i64::from_le_bytes(c.take()?), i32::from_le_bytes(c.take()?)),
        40 => Value::Money(i64::from_le_bytes(c.take()?)),
        24 => Value::Enum(crate::usertype::label(u32::from_le_bytes(c.take()?))?),
        31 => Value::Range(std::sync::Arc::new(decode_range(c)?)),
        35 => {
            let text = String::from_utf8(c.bytes()?).ok()?;
            Value::TsVector(std::sync::Arc::new(
                crate::value::tsearch::TsVector::parse(&text).ok()?,
            ))
        }
        36 => {
            let text = String::from_utf8(c.bytes()?).ok()?;
            Value::TsQuery(std::sync::Arc::new(
                crate::value::tsearch::TsQuery::parse(&text, None).ok()?,
            ))
        }
        33 => {
            let [kind, 34] = c.take::<2>()? else {
                return None;
            };
            let ty = crate::value::geo::Geo::kind_type(kind)?;
            let g = crate::value::geo::Geo::read_binary(ty, &c.bytes()?).ok()??;
            Value::Geo(std::sync::Arc::new(g))
        }
        32 => {
            let n = u32::from_le_bytes(c.take::<4>()?) as usize;
            let mut ranges = Vec::with_capacity(n.min(c.0.len()));
            for _ in 0..n {
                ranges.push(decode_range(c)?);
            }
            Value::Multirange(std::sync::Arc::new(
                crate::value::multirange::Multirange::from_canonical(ranges),
            ))
        }
        25 if array_ok => {
            let n = u32::from_le_bytes(c.take::<4>()?) as usize;
            let mut names = Vec::with_capacity(n.min(c.0.len()));
            let mut values = Vec::with_capacity(n.min(c.0.len()));
            for _ in 0..n {
                if c.take::<1>()? != [8] {
                    return None;
                }
                names.push(c.text()?);
                values.push(decode_value(c, false)?);
            }
            Value::Record(crate::value::ArrayRef::record(names.into(), values))
        }
        21 => {
            let oid = u32::from_le_bytes(c.take()?);
            if c.take::<1>()? != [22] {
                return None;
            }
            Value::Named(oid, c.text()?.into())
        }
        26 if array_ok => {
            let n = c.take::<1>()?[0];
            let mut dims = Vec::with_capacity(usize::from(n));
            for _ in 0..n {
                let lower = i32::from_le_bytes(c.take()?);
                let len = i32::from_le_bytes(c.take()?);
                dims.push(crate::value::array::Dim { lower, len });
            }
            let Value::Array(a) = decode_value(c, true)? else {
                return None;
            };
            Value::Array(crate::value::ArrayRef::with_dims(dims, a.items().to_vec()))
        }
        tag @ (20 | 23) if array_ok => {
            let n = u32::from_le_bytes(c.take::<4>()?) as usize;
            let mut items = Vec::with_capacity(n.min(c.0.len()));
            for _ in 0..n {
                items.push(decode_value(c, false)?);
            }
            Value::Array(if tag == 23 {
                crate::value::ArrayRef::vector(items)
            } else {
                crate::value::ArrayRef::new(items)
            })
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_a_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let memory = LocalMemory::default();
        let stats = TempStats::default();
        let spill = SpillCtx {
            memory: &memory,
            dir: temp_dir(dir.path()),
            pid: 7,
            db_stats: &stats,
            all_stats: &Default::default(),
        };
        let rows = vec![
            vec![
                Value::Null,
                Value::Int4(-3),
                Value::Text("héllo".into()),
                Value::Numeric(Numeric::parse("12.340").unwrap()),
            ],
            vec![
                Value::Float8(f64::NAN),
                Value::Interval(Interval {
                    months: 1,
                    days: -2,
                    micros: 3,
                }),
                Value::Inet(Inet::parse("10.0.0.1/8", false).unwrap()),
                Value::Cidr(Inet::parse("10.0.0.0/8", true).unwrap()),
                Value::MacAddr([8, 0, 0x2b, 1, 2, 3]),
                Value::MacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5]),
                Value::Bits(std::sync::Arc::new(Bits::parse("X1F3").unwrap())),
                Value::Bool(true),
                Value::Array(crate::value::ArrayRef::new(vec![
                    Value::Int4(1),
                    Value::Null,
                    Value::Text("x".into()),
                ])),
            ],
        ];
        let mut w = TempWriter::create(&spill).unwrap();
        for r in &rows {
            w.write_row(r).unwrap();
        }
        let mut r = w.finish(&spill).unwrap();
        let first = r.next_row().unwrap().unwrap();
        assert_eq!(first, rows[0]);
        assert_eq!(first[3].to_text(&Default::default()).unwrap(), "12.340");
        let second = r.next_row().unwrap().unwrap();
        assert!(matches!(second[0], Value::Float8(f) if f.is_nan()));
        assert_eq!(second[1..], rows[1][1..]);
        assert!(r.next_row().unwrap().is_none());
        assert_eq!(memory.stats().temp_files, 1);
        assert_eq!(stats.files.load(Ordering::Relaxed), 1);
        let files = std::fs::read_dir(temp_dir(dir.path())).unwrap().count();
        assert_eq!(files, 1, "the file exists while it is read");
        drop(r);
        let files = std::fs::read_dir(temp_dir(dir.path())).unwrap().count();
        assert_eq!(files, 0, "dropping the reader removes the file");
    }
}
