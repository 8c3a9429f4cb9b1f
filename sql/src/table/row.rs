//! How a row's values are stored in a heap tuple's data part.
//!
//! ```text
//! natts u16 | null bitmap (natts bits, 1 = NULL) | values in attribute order
//! ```
//!
//! Fixed-width types are little-endian (bool 1, int2 2, int4/oid/date 4,
//! int8/float8/time/timestamp[tz] 8, interval 16, uuid 16); text, bytea
//! and friends are a u32 length and the bytes; numeric is a tag, its
//! scale and its signed magnitude.
//!
//! Rules:
//! 1. A tuple may hold fewer attributes than the table has now (columns
//!    added later): the missing ones read as the column's missing value
//!    (its ADD COLUMN default) or NULL, as PostgreSQL's attmissingval.
//! 2. Decoding checks every length against the bytes, so a damaged tuple
//!    is an error (XX001), never a panic.

use num_bigint::{BigInt, Sign};

use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;
use crate::value::{Inet, Interval, Numeric, Value};

/// A stored attribute: its type and, for columns added later, the value
/// old tuples read for it.
#[derive(Debug, Clone)]
pub struct StoredAttr {
    /// The type (kept for dropped columns, so old tuples still decode).
    pub ty: DataType,
    /// The value of tuples written before the column existed.
    pub missing: Value,
}

fn damaged() -> SqlError {
    SqlError::new(
        SqlState::DATA_CORRUPTED,
        "invalid tuple data: row is damaged",
    )
}

/// Encodes `values` (one per attribute) into `out`.
pub fn encode(attrs: &[StoredAttr], values: &[Value], out: &mut Vec<u8>) {
    let n = values.len().min(attrs.len());
    out.extend_from_slice(&(n as u16).to_le_bytes());
    let bitmap_at = out.len();
    out.resize(bitmap_at + n.div_ceil(8), 0);
    for (i, (v, a)) in values.iter().zip(attrs).enumerate() {
        if v.is_null() {
            out[bitmap_at + i / 8] |= 1 << (i % 8);
            continue;
        }
        encode_value(v, a.ty, out);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

fn encode_value(v: &Value, ty: DataType, out: &mut Vec<u8>) {
    match v {
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Int2(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Int4(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Int8(x) | Value::Money(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Oid(x) | Value::Regtype(x) | Value::Named(x, _) => {
            out.extend_from_slice(&x.to_le_bytes())
        }
        Value::Enum(l) => out.extend_from_slice(&l.oid.to_le_bytes()),
        Value::Float4(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Float8(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Numeric(n) => match n {
            Numeric::NaN => out.push(1),
            Numeric::PosInf => out.push(2),
            Numeric::NegInf => out.push(3),
            Numeric::Finite { mantissa, scale } => {
                out.push(0);
                out.extend_from_slice(&scale.to_le_bytes());
                let (sign, mag) = mantissa.to_bytes_le();
                out.push(match sign {
                    Sign::Minus => 1,
                    _ => 0,
                });
                put_bytes(out, &mag);
            }
        },
        Value::Text(s) => put_bytes(out, s.as_bytes()),
        Value::Bytea(b) => put_bytes(out, b),
        Value::Date(d) => out.extend_from_slice(&d.to_le_bytes()),
        Value::TimeTz(t, z) => {
            out.extend_from_slice(&t.to_le_bytes());
            out.extend_from_slice(&z.to_le_bytes());
        }
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => {
            out.extend_from_slice(&t.to_le_bytes())
        }
        Value::Interval(iv) => {
            out.extend_from_slice(&iv.months.to_le_bytes());
            out.extend_from_slice(&iv.days.to_le_bytes());
            out.extend_from_slice(&iv.micros.to_le_bytes());
        }
        Value::Uuid(u) => out.extend_from_slice(u),
        // A host address as 4 or 6 and its bytes; with a shorter mask,
        // 14 or 16, the bytes and the mask length.
        Value::MacAddr(m) => out.extend_from_slice(m),
        Value::MacAddr8(m) => out.extend_from_slice(m),
        Value::Lsn(l) => out.extend_from_slice(&l.to_le_bytes()),
        Value::Snapshot(s) => {
            let text = s.to_text();
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        Value::Bits(b) => {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b.bytes());
        }
        Value::Inet(ip) | Value::Cidr(ip) => {
            let (bytes, bits) = ip.to_parts();
            let v4 = bytes.len() == 4;
            let host = bits == ip.max_bits();
            out.push(match (v4, host) {
                (true, true) => 4,
                (false, true) => 6,
                (true, false) => 14,
                (false, false) => 16,
            });
            out.extend_from_slice(&bytes);
            if !host {
                out.push(bits);
            }
        }
        // Array columns hold their text form (as every array value
        // stored before array values existed), read back as text.
        Value::Geo(g) => put_bytes(out, &g.to_binary()),
        Value::TsVector(_) | Value::TsQuery(_) => {
            let text = v.to_text(&crate::value::OutputStyle::default());
            put_bytes(out, text.unwrap_or_default().as_bytes());
        }
        Value::Array(_) | Value::Record(_) | Value::Range(_) | Value::Multirange(_) => {
            let text = v.to_text(&crate::value::OutputStyle::default());
            put_bytes(out, text.unwrap_or_default().as_bytes());
        }
        Value::Void | Value::Null => {
            let _ = ty;
        }
    }
}

/// Reads fields; every read is bounds-checked.
struct Cur<'a>(&'a [u8]);

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(damaged());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = u32::from_le_bytes(self.arr::<4>()?) as usize;
        self.take(n)
    }
}

/// Decodes a tuple's data into `out` (cleared first), one value per
/// attribute of `attrs`.
pub fn decode(attrs: &[StoredAttr], data: &[u8], out: &mut Vec<Value>) -> Result<()> {
    decode_prefix(attrs, data, attrs.len(), out)
}

/// Decodes only the first `upto` attributes into `out` (PostgreSQL's
/// slot_getsomeattrs): a scan filter reads the columns it needs and the
/// rest of a rejected row is never decoded.
pub fn decode_prefix(
    attrs: &[StoredAttr],
    data: &[u8],
    upto: usize,
    out: &mut Vec<Value>,
) -> Result<()> {
    out.clear();
    let mut c = Cur(data);
    let n = usize::from(u16::from_le_bytes(c.arr::<2>()?));
    if n > attrs.len() {
        return Err(damaged());
    }
    let bitmap = c.take(n.div_ceil(8))?;
    for (i, a) in attrs.iter().enumerate().take(upto) {
        if i >= n {
            out.push(a.missing.clone());
        } else if bitmap[i / 8] & (1 << (i % 8)) != 0 {
            out.push(Value::Null);
        } else {
            out.push(decode_value(&mut c, a.ty)?);
        }
    }
    Ok(())
}

/// An inet or cidr as `encode_value` stores it.
fn read_inet(c: &mut Cur<'_>) -> Result<Inet> {
    let tag = c.take(1)?[0];
    let bytes = match tag {
        4 | 14 => c.take(4)?,
        6 | 16 => c.take(16)?,
        _ => return Err(damaged()),
    };
    let bits = match tag {
        4 => 32,
        6 => 128,
        _ => c.take(1)?[0],
    };
    Inet::from_parts(bytes, bits).ok_or_else(damaged)
}

fn decode_value(c: &mut Cur<'_>, ty: DataType) -> Result<Value> {
    use DataType as T;
    Ok(match ty {
        T::Bool => Value::Bool(c.take(1)?[0] != 0),
        T::Int2 => Value::Int2(i16::from_le_bytes(c.arr()?)),
        T::Int4 => Value::Int4(i32::from_le_bytes(c.arr()?)),
        T::Int8 | T::Xid8 => Value::Int8(i64::from_le_bytes(c.arr()?)),
        T::Money => Value::Money(i64::from_le_bytes(c.arr()?)),
        T::Oid
        | T::Regclass
        | T::Regproc
        | T::Xid
        | T::Regnamespace
        | T::Regrole
        | T::Regprocedure
        | T::Regoper
        | T::RegConfig => Value::Oid(u32::from_le_bytes(c.arr()?)),
        T::Regtype => Value::Regtype(u32::from_le_bytes(c.arr()?)),
        // An enum value is its pg_enum OID.
        T::Enum(_) => {
            Value::Enum(crate::usertype::label(u32::from_le_bytes(c.arr()?)).ok_or_else(damaged)?)
        }
        T::Float4 => Value::Float4(f32::from_le_bytes(c.arr()?)),
        T::Float8 => Value::Float8(f64::from_le_bytes(c.arr()?)),
        T::Numeric => match c.take(1)?[0] {
            0 => {
                let scale = u16::from_le_bytes(c.arr()?);
                let negative = c.take(1)?[0] == 1;
                let mag = c.bytes()?;
                let sign = if negative { Sign::Minus } else { Sign::Plus };
                Value::Numeric(Numeric::new(BigInt::from_bytes_le(sign, mag), scale))
            }
            1 => Value::Numeric(Numeric::NaN),
            2 => Value::Numeric(Numeric::PosInf),
            3 => Value::Numeric(Numeric::NegInf),
            _ => return Err(damaged()),
        },
        T::Bytea => Value::Bytea(c.bytes()?.to_vec()),
        T::Date => Value::Date(i32::from_le_bytes(c.arr()?)),
        T::Time => Value::Time(i64::from_le_bytes(c.arr()?)),
        T::TimeTz => Value::TimeTz(i64::from_le_bytes(c.arr()?), i32::from_le_bytes(c.arr()?)),
        T::Timestamp => Value::Timestamp(i64::from_le_bytes(c.arr()?)),
        T::TimestampTz => Value::TimestampTz(i64::from_le_bytes(c.arr()?)),
        T::Interval => Value::Interval(Interval {
            months: i32::from_le_bytes(c.arr()?),
            days: i32::from_le_bytes(c.arr()?),
            micros: i64::from_le_bytes(c.arr()?),
        }),
        T::Uuid => Value::Uuid(c.arr()?),
        T::Inet => Value::Inet(read_inet(c)?),
        T::Cidr => Value::Cidr(read_inet(c)?),
        T::MacAddr => Value::MacAddr(c.arr()?),
        T::MacAddr8 => Value::MacAddr8(c.arr()?),
        T::PgLsn => Value::Lsn(u64::from_le_bytes(c.arr()?)),
        T::PgSnapshot | T::TxidSnapshot => {
            let len = u32::from_le_bytes(c.arr()?) as usize;
            let text = std::str::from_utf8(c.take(len)?).map_err(|_| damaged())?;
            Value::Snapshot(std::sync::Arc::new(
                crate::value::XidSnapshot::parse(text).map_err(|_| damaged())?,
            ))
        }
        T::Bit | T::VarBit => {
            let len = u32::from_le_bytes(c.arr()?) as usize;
            let bytes = c.take(len.div_ceil(8))?.to_vec();
            Value::Bits(std::sync::Arc::new(
                crate::value::Bits::from_stored(len, bytes).ok_or_else(damaged)?,
            ))
        }
        // Arrays and composite values are stored as their text form and
        // read back as values of their type.
        T::Array(_)
        | T::Range(_)
        | T::UserRange(_)
        | T::Multirange(_)
        | T::TsVector
        | T::TsQuery => {
            let b = c.bytes()?;
            let text = std::str::from_utf8(b).map_err(|_| damaged())?;
            crate::cast::parse_text(text, ty, &Default::default())
                .unwrap_or_else(|_| Value::Text(text.to_owned()))
        }
        T::Point | T::Lseg | T::Line | T::GeoBox | T::Path | T::Polygon | T::Circle => {
            let g = crate::value::geo::Geo::read_binary(ty, c.bytes()?)
                .ok()
                .flatten()
                .ok_or_else(damaged)?;
            Value::Geo(std::sync::Arc::new(g))
        }
        T::Composite(oid) => {
            let b = c.bytes()?;
            let text = std::str::from_utf8(b).map_err(|_| damaged())?;
            crate::cast::parse_stored_record(text, oid).map_err(|_| damaged())?
        }
        _ => {
            let b = c.bytes()?;
            Value::Text(String::from_utf8(b.to_vec()).map_err(|_| damaged())?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn attr(ty: DataType) -> StoredAttr {
        StoredAttr {
            ty,
            missing: Value::Null,
        }
    }

    #[test]
    fn every_stored_type_round_trips() {
        let cases = vec![
            (DataType::Bool, Value::Bool(true)),
            (DataType::Int2, Value::Int2(-7)),
            (DataType::Int4, Value::Int4(i32::MIN)),
            (DataType::Int8, Value::Int8(i64::MAX)),
            (DataType::Float4, Value::Float4(1.5)),
            (DataType::Float8, Value::Float8(-0.0)),
            (
                DataType::Numeric,
                Value::Numeric(Numeric::parse("-123.4500").unwrap()),
            ),
            (DataType::Numeric, Value::Numeric(Numeric::NaN)),
            (DataType::Text, Value::Text("héllo".into())),
            (DataType::Varchar, Value::Text(String::new())),
            (DataType::Bytea, Value::Bytea(vec![0, 255])),
            (DataType::Date, Value::Date(-100)),
            (DataType::Timestamp, Value::Timestamp(123)),
            (DataType::TimeTz, Value::TimeTz(3_600_000_000, -19_800)),
            (DataType::TimestampTz, Value::TimestampTz(-5)),
            (
                DataType::Interval,
                Value::Interval(Interval {
                    months: 1,
                    days: -2,
                    micros: 3,
                }),
            ),
            (DataType::Uuid, Value::Uuid([9; 16])),
            (
                DataType::Inet,
                Value::Inet(Inet::host("::1".parse().unwrap())),
            ),
            (
                DataType::Inet,
                Value::Inet(Inet::parse("10.1.2.3/8", false).unwrap()),
            ),
            (
                DataType::Cidr,
                Value::Cidr(Inet::parse("10:23::/64", true).unwrap()),
            ),
            (DataType::MacAddr, Value::MacAddr([8, 0, 0x2b, 1, 2, 3])),
            (
                DataType::MacAddr8,
                Value::MacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5]),
            ),
            (
                DataType::VarBit,
                Value::Bits(std::sync::Arc::new(
                    crate::value::Bits::parse("10110").unwrap(),
                )),
            ),
            (DataType::Oid, Value::Oid(16384)),
        ];
        let attrs: Vec<StoredAttr> = cases.iter().map(|(t, _)| attr(*t)).collect();
        let mut values: Vec<Value> = cases.iter().map(|(_, v)| v.clone()).collect();
        values[3] = Value::Null;
        let mut bytes = Vec::new();
        encode(&attrs, &values, &mut bytes);
        let mut back = Vec::new();
        decode(&attrs, &bytes, &mut back).unwrap();
        assert_eq!(back, values);
    }

    #[test]
    fn old_tuples_read_missing_values_for_new_columns() {
        let old = vec![attr(DataType::Int4)];
        let mut bytes = Vec::new();
        encode(&old, &[Value::Int4(1)], &mut bytes);
        let now = vec![
            attr(DataType::Int4),
            StoredAttr {
                ty: DataType::Text,
                missing: Value::Text("q".into()),
            },
            attr(DataType::Int8),
        ];
        let mut back = Vec::new();
        decode(&now, &bytes, &mut back).unwrap();
        assert_eq!(
            back,
            vec![Value::Int4(1), Value::Text("q".into()), Value::Null]
        );
    }

    proptest! {
        #[test]
        fn damaged_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let attrs = vec![attr(DataType::Text), attr(DataType::Numeric), attr(DataType::Int8), attr(DataType::Inet)];
            let mut out = Vec::new();
            let _ = decode(&attrs, &bytes, &mut out);
        }

        #[test]
        fn ints_and_texts_round_trip(a in any::<i64>(), s in ".{0,40}", null in any::<bool>()) {
            let attrs = vec![attr(DataType::Int8), attr(DataType::Text)];
            let values = vec![Value::Int8(a), if null { Value::Null } else { Value::Text(s) }];
            let mut bytes = Vec::new();
            encode(&attrs, &values, &mut bytes);
            let mut back = Vec::new();
            decode(&attrs, &bytes, &mut back).unwrap();
            prop_assert_eq!(back, values);
        }
    }
}
