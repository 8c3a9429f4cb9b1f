//! PostgreSQL's hash of a partition key, so that hash partitioning puts
//! each row in the partition PostgreSQL 15 puts it in (Bob Jenkins'
//! lookup3 as src/common/hashfn.c has it, with the types' extended hash
//! functions and the partition seed).

use crate::types::DataType;
use crate::value::Value;

/// HASH_PARTITION_SEED.
const SEED: u64 = 0x7A5B_2236_7996_DCFD;

fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

fn finish(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(14));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(11));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(25));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(16));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(4));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(14));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(24));
}

fn seeded(init: u32, seed: u64) -> (u32, u32, u32) {
    let (mut a, mut b, mut c) = (init, init, init);
    if seed != 0 {
        a = a.wrapping_add((seed >> 32) as u32);
        b = b.wrapping_add(seed as u32);
        mix(&mut a, &mut b, &mut c);
    }
    (a, b, c)
}

/// hash_bytes_uint32_extended.
fn hash_u32(k: u32, seed: u64) -> u64 {
    let (mut a, mut b, mut c) = seeded(0x9e37_79b9_u32.wrapping_add(4 + 3_923_095), seed);
    a = a.wrapping_add(k);
    finish(&mut a, &mut b, &mut c);
    (u64::from(b) << 32) | u64::from(c)
}

/// hash_bytes_extended (the little-endian reading).
fn hash_bytes(k: &[u8], seed: u64) -> u64 {
    let init = 0x9e37_79b9_u32
        .wrapping_add(k.len() as u32)
        .wrapping_add(3_923_095);
    let (mut a, mut b, mut c) = seeded(init, seed);
    let word = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
    let mut k = k;
    while k.len() >= 12 {
        a = a.wrapping_add(word(&k[0..4]));
        b = b.wrapping_add(word(&k[4..8]));
        c = c.wrapping_add(word(&k[8..12]));
        mix(&mut a, &mut b, &mut c);
        k = &k[12..];
    }
    let byte = |i: usize, shift: u32| u32::from(k[i]) << shift;
    let n = k.len();
    if n >= 9 {
        for i in (8..n).rev() {
            c = c.wrapping_add(byte(i, 8 * (i as u32 - 7)));
        }
    }
    if n >= 8 {
        b = b.wrapping_add(word(&k[4..8]));
        a = a.wrapping_add(word(&k[0..4]));
    } else if n >= 4 {
        for i in (4..n).rev() {
            b = b.wrapping_add(byte(i, 8 * (i as u32 - 4)));
        }
        a = a.wrapping_add(word(&k[0..4]));
    } else {
        for i in (0..n).rev() {
            a = a.wrapping_add(byte(i, 8 * i as u32));
        }
    }
    finish(&mut a, &mut b, &mut c);
    (u64::from(b) << 32) | u64::from(c)
}

/// hash_combine64.
fn combine(a: u64, b: u64) -> u64 {
    a ^ (b
        .wrapping_add(0x49a0_f4dd_15e5_a8e3)
        .wrapping_add(a << 54)
        .wrapping_add(a >> 7))
}

/// The type's extended hash of one value with the partition seed.
fn value_hash(v: &Value) -> u64 {
    let int8 = |val: i64| {
        let lo = val as u32;
        let hi = (val >> 32) as u32;
        hash_u32(lo ^ if val >= 0 { hi } else { !hi }, SEED)
    };
    match v {
        Value::Int2(i) => hash_u32(i32::from(*i) as u32, SEED),
        Value::Int4(i) => hash_u32(*i as u32, SEED),
        Value::Int8(i)
        | Value::Money(i)
        | Value::Time(i)
        | Value::Timestamp(i)
        | Value::TimestampTz(i) => int8(*i),
        Value::Date(d) => hash_u32(*d as u32, SEED),
        Value::Uuid(u) => hash_bytes(u, SEED),
        Value::Bool(b) => hash_u32(u32::from(*b), SEED),
        Value::Oid(o) => hash_u32(*o, SEED),
        Value::Text(s) => hash_bytes(s.as_bytes(), SEED),
        Value::Bytea(b) => hash_bytes(b, SEED),
        other => match other.to_text(&Default::default()) {
            Some(t) => hash_bytes(t.as_bytes(), SEED),
            None => 0,
        },
    }
}

/// compute_partition_hash_value: the row's key hashed column by column,
/// NULLs skipped.
pub fn row_hash(key: &[Value], _types: &[(DataType, i32)]) -> u64 {
    key.iter()
        .filter(|v| !v.is_null())
        .fold(0, |acc, v| combine(acc, value_hash(v)))
}
