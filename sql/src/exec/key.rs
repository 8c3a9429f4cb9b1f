//! Hash keys for grouping, DISTINCT, set operations and hash joins.
//!
//! Values that SQL's `=` calls equal get equal keys: NULLs are equal to
//! each other here (GROUP BY and DISTINCT put them in one group), numerics
//! ignore trailing zeros (1.0 = 1.00), floats treat -0 as 0 and all NaNs
//! as one, intervals compare by their span (1 day = 24 hours).

use crate::value::Value;

/// A fast hasher for the byte keys here (FxHash's multiply-rotate, then a
/// finalizer): the
/// keys come from the query's own data, and std's SipHash costs more than
/// the rest of a group lookup.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    /// Ends with murmur3's fmix64 so every output bit depends on every
    /// input bit (the table uses the low bits for buckets and the high
    /// bits for tags).
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

/// Which of `n` spill partitions a row key goes to. `seed` differs per
/// round of a recursive spill, so a partition spilled again splits.
pub fn partition(key: &[u8], seed: u32, n: usize) -> usize {
    use std::hash::Hasher;
    let mut h = KeyHasher(u64::from(seed));
    h.write(key);
    (h.finish() % n as u64) as usize
}

/// Hash maps keyed by row keys.
pub type KeyMap<V> =
    std::collections::HashMap<Vec<u8>, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// Appends the key of one value.
pub fn push_key(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0),
        Value::Void => out.push(1),
        Value::Bool(b) => out.extend([2, u8::from(*b)]),
        Value::Int2(i) => int(i64::from(*i), out),
        Value::Int4(i) => int(i64::from(*i), out),
        Value::Int8(i) | Value::Money(i) => int(*i, out),
        Value::Oid(o) | Value::Regtype(o) | Value::Named(o, _) => int(i64::from(*o), out),
        Value::Enum(l) => int(i64::from(l.oid), out),
        Value::Float4(f) => float(f64::from(*f), out),
        Value::Float8(f) => float(*f, out),
        Value::Numeric(n) => {
            let mut s = n.to_string();
            if s.contains('.') {
                let kept = s.trim_end_matches('0').trim_end_matches('.').len();
                s.truncate(kept);
            }
            if s == "-0" {
                s = "0".into();
            }
            bytes(5, s.as_bytes(), out);
        }
        Value::Text(s) => bytes(6, s.as_bytes(), out),
        Value::Bytea(b) => bytes(7, b, out),
        Value::Date(d) => {
            out.push(8);
            out.extend(d.to_le_bytes());
        }
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => {
            out.push(9);
            out.extend(t.to_le_bytes());
        }
        // Equal timetz values have the same time and zone.
        Value::TimeTz(t, z) => {
            out.push(16);
            out.extend(t.to_le_bytes());
            out.extend(z.to_le_bytes());
        }
        Value::Interval(iv) => {
            out.push(10);
            out.extend(iv.span_micros().to_le_bytes());
        }
        Value::Uuid(u) => {
            out.push(11);
            out.extend(u);
        }
        Value::MacAddr(m) => bytes(13, m, out),
        Value::Snapshot(s) => bytes(17, s.to_text().as_bytes(), out),
        Value::Lsn(l) => {
            out.push(16);
            out.extend(l.to_be_bytes());
        }
        Value::Bits(b) => {
            let (data, len) = b.sort_key();
            bytes(15, data, out);
            out.extend(len.to_be_bytes());
        }
        Value::MacAddr8(m) => bytes(14, m, out),
        Value::Inet(ip) | Value::Cidr(ip) => {
            let mut key = Vec::new();
            ip.sort_key(&mut key);
            bytes(12, &key, out)
        }
        Value::Range(r) => {
            out.push(17);
            r.encode(out, &mut |v, out| push_key(v, out));
        }
        Value::Geo(g) => bytes(19, &g.to_binary(), out),
        Value::TsVector(_) | Value::TsQuery(_) => {
            let text = v.to_text(&crate::value::OutputStyle::default());
            bytes(20, text.unwrap_or_default().as_bytes(), out)
        }
        Value::Multirange(m) => {
            out.push(18);
            m.encode(out, &mut |v, out| push_key(v, out));
        }
        Value::Array(items) | Value::Record(items) => {
            if items.is_shaped() {
                out.push(15);
                for d in items.dims() {
                    out.extend(d.lower.to_le_bytes());
                    out.extend(d.len.to_le_bytes());
                }
            }
            let items = items.items();
            out.push(if matches!(v, Value::Record(_)) {
                14
            } else {
                13
            });
            out.extend((items.len() as u32).to_le_bytes());
            for v in items {
                push_key(v, out);
            }
        }
    }
}

/// The key of several values.
pub fn row_key<'a>(values: impl IntoIterator<Item = &'a Value>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        push_key(v, &mut out);
    }
    out
}

fn int(v: i64, out: &mut Vec<u8>) {
    out.push(3);
    out.extend(v.to_le_bytes());
}

fn float(f: f64, out: &mut Vec<u8>) {
    let f = crate::value::canonical_float(f);
    out.push(4);
    out.extend(f.to_bits().to_le_bytes());
}

fn bytes(tag: u8, b: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    out.extend((b.len() as u64).to_le_bytes());
    out.extend(b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Numeric;

    #[test]
    fn equal_values_equal_keys() {
        let n = |s: &str| Value::Numeric(Numeric::parse(s).unwrap());
        assert_eq!(row_key([&n("1.0")]), row_key([&n("1.00")]));
        assert_eq!(row_key([&n("10")]), row_key([&n("10.0")]));
        assert_ne!(row_key([&n("10")]), row_key([&n("1")]));
        assert_eq!(
            row_key([&Value::Float8(-0.0)]),
            row_key([&Value::Float8(0.0)])
        );
        assert_eq!(row_key([&Value::Null]), row_key([&Value::Null]));
        // Lengths are part of text keys: ("ab","c") differs from ("a","bc").
        let t = |s: &str| Value::Text(s.into());
        assert_ne!(row_key([&t("ab"), &t("c")]), row_key([&t("a"), &t("bc")]));
    }
}
