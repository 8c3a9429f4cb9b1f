//! The inet and cidr operators and functions (PostgreSQL's network.c;
//! the comparisons are operators.rs's INET_CMP): containment
//! (`<< <<= >> >>= &&`), bitwise `~ & |`, address arithmetic, and
//! host, text, abbrev, masklen, set_masklen,
//! family, broadcast, network, netmask, hostmask, inet_same_family,
//! inet_merge. A cidr argument reaches the inet ones by its implicit
//! cast; the few with a cidr overload (abbrev, set_masklen) keep it.
//! Also macaddr and macaddr8 (mac.c, mac8.c): comparisons, `~ & |`,
//! trunc, macaddr8_set7bit.

use super::operators::{cmp_ops, order};
use super::{f, FuncDef};
use crate::error::{Result, SqlError};
use crate::types::DataType::{Bool, Cidr, Inet, Int4, Int8, MacAddr, MacAddr8, Text};
use crate::value::{Inet as Net, Value};

fn net(v: &Value) -> Result<Net> {
    match v {
        Value::Inet(n) | Value::Cidr(n) => Ok(*n),
        _ => Err(SqlError::internal("a network function got another value")),
    }
}

fn int(v: &Value) -> Result<i64> {
    match v {
        Value::Int4(i) => Ok(i64::from(*i)),
        Value::Int8(i) => Ok(*i),
        _ => Err(SqlError::internal("a network function got another value")),
    }
}

fn test(a: &[Value], t: impl Fn(&Net, &Net) -> bool) -> Result<Value> {
    Ok(Value::Bool(t(&net(&a[0])?, &net(&a[1])?)))
}

/// The rest of the operators and the functions.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("<<", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| x.within(y, false))
    }),
    f("<<=", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| x.within(y, true))
    }),
    f(">>", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| y.within(x, false))
    }),
    f(">>=", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| y.within(x, true))
    }),
    f("&&", &[Inet, Inet], Bool, |a, _| test(a, Net::overlaps)),
    f("network_sub", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| x.within(y, false))
    }),
    f("network_subeq", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| x.within(y, true))
    }),
    f("network_sup", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| y.within(x, false))
    }),
    f("network_supeq", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| y.within(x, true))
    }),
    f("network_overlap", &[Inet, Inet], Bool, |a, _| {
        test(a, Net::overlaps)
    }),
    f("~", &[Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.bitwise(None, '~')?))
    }),
    f("&", &[Inet, Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.bitwise(Some(&net(&a[1])?), '&')?))
    }),
    f("|", &[Inet, Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.bitwise(Some(&net(&a[1])?), '|')?))
    }),
    f("+", &[Inet, Int8], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.add(int(&a[1])?)?))
    }),
    f("+", &[Int8, Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[1])?.add(int(&a[0])?)?))
    }),
    f("-", &[Inet, Int8], Inet, |a, _| {
        let n = int(&a[1])?
            .checked_neg()
            .ok_or_else(|| crate::error::errors::out_of_range("result is out of range"))?;
        Ok(Value::Inet(net(&a[0])?.add(n)?))
    }),
    f("-", &[Inet, Inet], Int8, |a, _| {
        Ok(Value::Int8(net(&a[0])?.difference(&net(&a[1])?)?))
    }),
    f("host", &[Inet], Text, |a, _| {
        Ok(Value::Text(net(&a[0])?.host_text()))
    }),
    f("text", &[Inet], Text, |a, _| {
        Ok(Value::Text(net(&a[0])?.show()))
    }),
    f("abbrev", &[Inet], Text, |a, _| {
        Ok(Value::Text(net(&a[0])?.abbrev(false)))
    }),
    f("abbrev", &[Cidr], Text, |a, _| {
        Ok(Value::Text(net(&a[0])?.abbrev(true)))
    }),
    f("masklen", &[Inet], Int4, |a, _| {
        Ok(Value::Int4(i32::from(net(&a[0])?.bits)))
    }),
    f("family", &[Inet], Int4, |a, _| {
        Ok(Value::Int4(net(&a[0])?.family()))
    }),
    f("set_masklen", &[Inet, Int4], Inet, |a, _| {
        let n = net(&a[0])?;
        let bits = n.check_masklen(int(&a[1])? as i32)?;
        Ok(Value::Inet(Net { bits, ..n }))
    }),
    f("set_masklen", &[Cidr, Int4], Cidr, |a, _| {
        let n = net(&a[0])?;
        let bits = n.check_masklen(int(&a[1])? as i32)?;
        Ok(Value::Cidr(n.masked(bits)))
    }),
    f("cidr", &[Inet], Cidr, |a, _| {
        let n = net(&a[0])?;
        Ok(Value::Cidr(n.masked(n.bits)))
    }),
    f("broadcast", &[Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.broadcast()))
    }),
    f("network", &[Inet], Cidr, |a, _| {
        Ok(Value::Cidr(net(&a[0])?.network()))
    }),
    f("netmask", &[Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.netmask()))
    }),
    f("hostmask", &[Inet], Inet, |a, _| {
        Ok(Value::Inet(net(&a[0])?.hostmask()))
    }),
    f("inet_same_family", &[Inet, Inet], Bool, |a, _| {
        test(a, |x, y| x.family() == y.family())
    }),
    f("inet_merge", &[Inet, Inet], Cidr, |a, _| {
        Ok(Value::Cidr(net(&a[0])?.merge(&net(&a[1])?)?))
    }),
    f("network_larger", &[Inet, Inet], Inet, |a, _| {
        let (x, y) = (net(&a[0])?, net(&a[1])?);
        Ok(Value::Inet(if x > y { x } else { y }))
    }),
    f("network_smaller", &[Inet, Inet], Inet, |a, _| {
        let (x, y) = (net(&a[0])?, net(&a[1])?);
        Ok(Value::Inet(if x < y { x } else { y }))
    }),
];

cmp_ops!(MACADDR_CMP, MacAddr, order);
cmp_ops!(MACADDR8_CMP, MacAddr8, order);

/// A macaddr (N = 6) or macaddr8 (N = 8) argument's bytes.
fn mac<const N: usize>(v: &Value) -> Result<[u8; N]> {
    let bytes: &[u8] = match v {
        Value::MacAddr(m) => m,
        Value::MacAddr8(m) => m,
        _ => &[],
    };
    bytes
        .try_into()
        .map_err(|_| SqlError::internal("a macaddr function got another value"))
}

/// Byte by byte: `~` (other None), `&`, `|`.
fn bytewise<const N: usize>(a: [u8; N], b: Option<[u8; N]>, and: bool) -> [u8; N] {
    let mut out = a;
    for (i, x) in out.iter_mut().enumerate() {
        *x = match b {
            None => !*x,
            Some(b) if and => *x & b[i],
            Some(b) => *x | b[i],
        };
    }
    out
}

/// trunc: the manufacturer's three bytes, the rest zero.
fn truncated<const N: usize>(a: [u8; N]) -> [u8; N] {
    let mut out = [0; N];
    out[..3].copy_from_slice(&a[..3]);
    out
}

/// `~ & |` and trunc of macaddr or macaddr8 (`$v` its value).
macro_rules! mac_ops {
    ($t:ident, $v:path) => {
        &[
            f("~", &[$t], $t, |a, _| {
                Ok($v(bytewise(mac(&a[0])?, None, false)))
            }),
            f("&", &[$t, $t], $t, |a, _| {
                Ok($v(bytewise(mac(&a[0])?, Some(mac(&a[1])?), true)))
            }),
            f("|", &[$t, $t], $t, |a, _| {
                Ok($v(bytewise(mac(&a[0])?, Some(mac(&a[1])?), false)))
            }),
            f("trunc", &[$t], $t, |a, _| Ok($v(truncated(mac(&a[0])?)))),
        ]
    };
}

/// The macaddr operators and functions.
pub(super) static MACADDR_FUNCTIONS: &[FuncDef] = mac_ops!(MacAddr, Value::MacAddr);

/// The macaddr8 operators and functions (and macaddr8_set7bit below).
pub(super) static MACADDR8_FUNCTIONS: &[FuncDef] = mac_ops!(MacAddr8, Value::MacAddr8);

/// macaddr8_set7bit: the modified EUI-64 bit IPv6 uses.
pub(super) static MACADDR8_SET7BIT: &[FuncDef] =
    &[f("macaddr8_set7bit", &[MacAddr8], MacAddr8, |a, _| {
        let mut m: [u8; 8] = mac(&a[0])?;
        m[0] |= 0x02;
        Ok(Value::MacAddr8(m))
    })];
