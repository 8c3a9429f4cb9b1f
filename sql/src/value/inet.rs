//! inet and cidr values: an IPv4 or IPv6 address with a netmask length,
//! read and written as PostgreSQL's network.c, inet_net_pton.c,
//! inet_net_ntop.c and inet_cidr_ntop.c do (classful cidr widths, IPv4
//! embedded in IPv6, the `::` run chosen as PostgreSQL chooses it), and
//! ordered as network_cmp: by the common network bits, then the netmask
//! length, then the whole address.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{errors, Result, SqlError, SqlState};

/// An address and its netmask length (an inet, or a cidr with no bits
/// set right of the mask).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Inet {
    /// The address.
    pub addr: IpAddr,
    /// The netmask length, at most 32 (IPv4) or 128 (IPv6).
    pub bits: u8,
}

/// An address's bytes: 4 or 16 of them used.
type Octets = ([u8; 16], usize);

fn octets(addr: IpAddr) -> Octets {
    let mut out = [0u8; 16];
    match addr {
        IpAddr::V4(a) => {
            out[..4].copy_from_slice(&a.octets());
            (out, 4)
        }
        IpAddr::V6(a) => (a.octets(), 16),
    }
}

fn address(bytes: &[u8; 16], len: usize) -> IpAddr {
    if len == 4 {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(*bytes))
    }
}

/// Compares the first `bits` bits of two addresses (bitncmp).
fn bitncmp(a: &[u8], b: &[u8], bits: usize) -> Ordering {
    let whole = bits / 8;
    match a[..whole].cmp(&b[..whole]) {
        Ordering::Equal => {}
        other => return other,
    }
    let rest = bits % 8;
    if rest == 0 {
        return Ordering::Equal;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask).cmp(&(b[whole] & mask))
}

/// How many leading bits, up to `bits`, two addresses share (bitncommon).
fn bitncommon(a: &[u8], b: &[u8], bits: usize) -> usize {
    let mut n = 0;
    while n < bits {
        let (byte, bit) = (n / 8, 7 - n % 8);
        if (a[byte] >> bit) & 1 != (b[byte] >> bit) & 1 {
            break;
        }
        n += 1;
    }
    n
}

impl Inet {
    /// A host address (netmask as long as the address).
    pub fn host(addr: IpAddr) -> Inet {
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        Inet { addr, bits }
    }

    /// 32 or 128.
    pub fn max_bits(&self) -> u8 {
        if self.addr.is_ipv4() {
            32
        } else {
            128
        }
    }

    /// 4 or 6 (family()).
    pub fn family(&self) -> i32 {
        if self.addr.is_ipv4() {
            4
        } else {
            6
        }
    }

    fn with(&self, bytes: &[u8; 16], bits: u8) -> Inet {
        let len = if self.addr.is_ipv4() { 4 } else { 16 };
        Inet {
            addr: address(bytes, len),
            bits,
        }
    }

    /// Reads an inet (`cidr` false) or cidr value as network_in.
    pub fn parse(text: &str, cidr: bool) -> Result<Inet> {
        let type_name = if cidr { "cidr" } else { "inet" };
        let v6 = text.contains(':');
        let mut bytes = [0u8; 16];
        let bits = if v6 {
            pton_ipv6(text.as_bytes(), &mut bytes)
        } else if cidr {
            cidr_pton_ipv4(text.as_bytes(), &mut bytes)
        } else {
            net_pton_ipv4(text.as_bytes(), &mut bytes)
        };
        let len = if v6 { 16 } else { 4 };
        let bits = match bits {
            Some(b) if b <= len * 8 => b,
            _ => return Err(errors::invalid_input(type_name, text)),
        };
        if cidr && !clear_right_of(&bytes[..len], bits) {
            return Err(SqlError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                format!("invalid cidr value: \"{text}\""),
            )
            .with_detail("Value has bits set to right of mask."));
        }
        Ok(Inet {
            addr: address(&bytes, len),
            bits: bits as u8,
        })
    }

    /// inet_out (`cidr` false) or cidr_out.
    pub fn write(&self, cidr: bool, out: &mut String) {
        let (bytes, len) = octets(self.addr);
        if len == 4 {
            ntop_ipv4(&bytes[..4], out);
            if self.bits != 32 || cidr {
                let _ = write!(out, "/{}", self.bits);
            }
        } else {
            ntop_ipv6(&bytes, out);
            if self.bits != 128 || cidr {
                let _ = write!(out, "/{}", self.bits);
            }
        }
    }

    /// The text cast (network_show): always with the netmask length.
    pub fn show(&self) -> String {
        let mut out = self.host_text();
        let _ = write!(out, "/{}", self.bits);
        out
    }

    /// host(): the address alone.
    pub fn host_text(&self) -> String {
        let mut out = String::new();
        let (bytes, len) = octets(self.addr);
        if len == 4 {
            ntop_ipv4(&bytes[..4], &mut out);
        } else {
            ntop_ipv6(&bytes, &mut out);
        }
        out
    }

    /// abbrev(): inet_out for an inet, the shortest network form
    /// (inet_cidr_ntop) for a cidr.
    pub fn abbrev(&self, cidr: bool) -> String {
        let mut out = String::new();
        if !cidr {
            self.write(false, &mut out);
            return out;
        }
        let (bytes, len) = octets(self.addr);
        if len == 4 {
            cidr_ntop_ipv4(&bytes[..4], self.bits as usize, &mut out);
        } else {
            cidr_ntop_ipv6(&bytes, self.bits as usize, &mut out);
        }
        out
    }

    /// This address with its bits right of a `bits`-long mask cleared
    /// (cidr_set_masklen_internal).
    pub fn masked(&self, bits: u8) -> Inet {
        let (mut bytes, len) = octets(self.addr);
        clear_bits(&mut bytes[..len], bits as usize);
        self.with(&bytes, bits)
    }

    /// 22023 unless `bits` fits the family (-1 means all of it).
    pub fn check_masklen(&self, bits: i32) -> Result<u8> {
        let bits = if bits == -1 {
            i32::from(self.max_bits())
        } else {
            bits
        };
        if bits < 0 || bits > i32::from(self.max_bits()) {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("invalid mask length: {bits}"),
            ));
        }
        Ok(bits as u8)
    }

    /// broadcast(): the host bits set.
    pub fn broadcast(&self) -> Inet {
        let (mut bytes, len) = octets(self.addr);
        for (i, b) in bytes[..len].iter_mut().enumerate() {
            *b |= host_mask_byte(i, self.bits as usize);
        }
        self.with(&bytes, self.bits)
    }

    /// network(): the host bits cleared.
    pub fn network(&self) -> Inet {
        self.masked(self.bits)
    }

    /// netmask(): the mask as an address.
    pub fn netmask(&self) -> Inet {
        let (_, len) = octets(self.addr);
        let mut bytes = [0u8; 16];
        for (i, b) in bytes[..len].iter_mut().enumerate() {
            *b = !host_mask_byte(i, self.bits as usize);
        }
        self.with(&bytes, self.max_bits())
    }

    /// hostmask(): the host bits as an address.
    pub fn hostmask(&self) -> Inet {
        let (_, len) = octets(self.addr);
        let mut bytes = [0u8; 16];
        for (i, b) in bytes[..len].iter_mut().enumerate() {
            *b = host_mask_byte(i, self.bits as usize);
        }
        self.with(&bytes, self.max_bits())
    }

    /// `<<` (`eq` false) and `<<=`: within `other`'s network.
    pub fn within(&self, other: &Inet, eq: bool) -> bool {
        if self.addr.is_ipv4() != other.addr.is_ipv4() {
            return false;
        }
        let (a, _) = octets(self.addr);
        let (b, _) = octets(other.addr);
        (self.bits > other.bits || (eq && self.bits == other.bits))
            && bitncmp(&a, &b, other.bits as usize) == Ordering::Equal
    }

    /// `&&`: either network contains the other.
    pub fn overlaps(&self, other: &Inet) -> bool {
        if self.addr.is_ipv4() != other.addr.is_ipv4() {
            return false;
        }
        let (a, _) = octets(self.addr);
        let (b, _) = octets(other.addr);
        bitncmp(&a, &b, self.bits.min(other.bits) as usize) == Ordering::Equal
    }

    /// Both addresses' bytes and their length; 22023 `message` when the
    /// families differ.
    fn same_family(&self, other: &Inet, message: &str) -> Result<([u8; 16], [u8; 16], usize)> {
        if self.addr.is_ipv4() != other.addr.is_ipv4() {
            return Err(SqlError::new(SqlState::INVALID_PARAMETER_VALUE, message));
        }
        let (a, len) = octets(self.addr);
        let (b, _) = octets(other.addr);
        Ok((a, b, len))
    }

    /// inet_merge(): the smallest network holding both.
    pub fn merge(&self, other: &Inet) -> Result<Inet> {
        let (a, b, _) =
            self.same_family(other, "cannot merge addresses from different families")?;
        let common = bitncommon(&a, &b, self.bits.min(other.bits) as usize);
        Ok(self.masked(common as u8))
    }

    /// `~`, `&` and `|` (`op` '~' ignores `other`).
    pub fn bitwise(&self, other: Option<&Inet>, op: char) -> Result<Inet> {
        let (mut a, len) = octets(self.addr);
        let mut bits = self.bits;
        if let Some(o) = other {
            let word = if op == '&' { "AND" } else { "OR" };
            let (_, b, _) =
                self.same_family(o, &format!("cannot {word} inet values of different sizes"))?;
            for (x, y) in a[..len].iter_mut().zip(b) {
                *x = if op == '&' { *x & y } else { *x | y };
            }
            bits = bits.max(o.bits);
        } else {
            for x in &mut a[..len] {
                *x = !*x;
            }
        }
        Ok(self.with(&a, bits))
    }

    /// inet + int8 (inet - int8 adds the negation); 22003 past the
    /// family's addresses.
    pub fn add(&self, addend: i64) -> Result<Inet> {
        let (a, len) = octets(self.addr);
        let mut out = [0u8; 16];
        let mut addend = i128::from(addend);
        let mut carry = 0i128;
        for i in (0..len).rev() {
            let sum = i128::from(a[i]) + (addend & 0xff) + carry;
            out[i] = (sum & 0xff) as u8;
            carry = sum >> 8;
            addend >>= 8;
        }
        if !((addend == 0 && carry == 0) || (addend == -1 && carry == 1)) {
            return Err(errors::out_of_range("result is out of range"));
        }
        Ok(self.with(&out, self.bits))
    }

    /// inet - inet as int8 (22003 when it does not fit).
    pub fn difference(&self, other: &Inet) -> Result<i64> {
        let (a, b, len) =
            self.same_family(other, "cannot subtract inet values of different sizes")?;
        let x = a[..len].iter().fold(0u128, |n, b| n << 8 | u128::from(*b));
        let y = b[..len].iter().fold(0u128, |n, b| n << 8 | u128::from(*b));
        let diff = if len == 4 {
            x as i128 - y as i128
        } else {
            x.wrapping_sub(y) as i128
        };
        if len == 16 {
            // 128-bit two's complement: in range when it fits 64 bits.
            return i64::try_from(diff).map_err(|_| errors::out_of_range("result is out of range"));
        }
        Ok(diff as i64)
    }

    /// The bytes and netmask length, for storage and binary output.
    pub fn to_parts(&self) -> (Vec<u8>, u8) {
        let (bytes, len) = octets(self.addr);
        (bytes[..len].to_vec(), self.bits)
    }

    /// An address from its bytes (4 or 16) and netmask length.
    pub fn from_parts(bytes: &[u8], bits: u8) -> Option<Inet> {
        let mut b = [0u8; 16];
        match bytes.len() {
            4 if bits <= 32 => {
                b[..4].copy_from_slice(bytes);
                Some(Inet {
                    addr: address(&b, 4),
                    bits,
                })
            }
            16 if bits <= 128 => {
                b.copy_from_slice(bytes);
                Some(Inet {
                    addr: address(&b, 16),
                    bits,
                })
            }
            _ => None,
        }
    }

    /// A byte string that sorts as the values do (index keys): family,
    /// the network bits, the netmask length, the whole address.
    pub fn sort_key(&self, out: &mut Vec<u8>) {
        let (bytes, len) = octets(self.addr);
        out.push(if len == 4 { 4 } else { 6 });
        let mut net = bytes;
        clear_bits(&mut net[..len], self.bits as usize);
        out.extend_from_slice(&net[..len]);
        out.push(self.bits);
        out.extend_from_slice(&bytes[..len]);
    }
}

impl Ord for Inet {
    fn cmp(&self, other: &Inet) -> Ordering {
        match (self.addr.is_ipv4(), other.addr.is_ipv4()) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (a, len) = octets(self.addr);
        let (b, _) = octets(other.addr);
        bitncmp(&a, &b, self.bits.min(other.bits) as usize)
            .then(self.bits.cmp(&other.bits))
            .then_with(|| a[..len].cmp(&b[..len]))
    }
}

impl PartialOrd for Inet {
    fn partial_cmp(&self, other: &Inet) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The bits of byte `i` right of a `bits`-long mask.
fn host_mask_byte(i: usize, bits: usize) -> u8 {
    let start = i * 8;
    if bits >= start + 8 {
        0
    } else if bits <= start {
        0xff
    } else {
        0xff >> (bits - start)
    }
}

fn clear_bits(bytes: &mut [u8], bits: usize) {
    for (i, b) in bytes.iter_mut().enumerate() {
        *b &= !host_mask_byte(i, bits);
    }
}

/// No bit set right of the mask (addressOK).
fn clear_right_of(bytes: &[u8], bits: usize) -> bool {
    bytes
        .iter()
        .enumerate()
        .all(|(i, b)| b & host_mask_byte(i, bits) == 0)
}

/// Digits from `s[*i]` on, as a number up to `limit` (None past it).
fn decimal(s: &[u8], i: &mut usize, limit: usize) -> Option<usize> {
    let mut n = 0usize;
    while let Some(d) = s.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n * 10 + usize::from(d - b'0');
        if n > limit {
            return None;
        }
        *i += 1;
    }
    Some(n)
}

/// A `/width` at `s[i]` (just past the '/'): digits to the end.
fn width(s: &[u8], mut i: usize, max: usize) -> Option<usize> {
    let start = i;
    let n = decimal(s, &mut i, 1000)?;
    (i > start && i == s.len() && n <= max).then_some(n)
}

/// Appends an IPv4 octet; None past four.
fn push_octet(dst: &mut [u8; 16], n: &mut usize, v: usize) -> Option<()> {
    if *n == 4 {
        return None;
    }
    dst[*n] = v as u8;
    *n += 1;
    Some(())
}

/// inet_net_pton_ipv4: dotted octets (all four unless a width follows),
/// an optional /width.
fn net_pton_ipv4(s: &[u8], dst: &mut [u8; 16]) -> Option<usize> {
    let mut i = 0;
    let mut n = 0;
    let mut slash = false;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        push_octet(dst, &mut n, decimal(s, &mut i, 255)?)?;
        match s.get(i) {
            None => break,
            Some(b'/') => {
                slash = true;
                break;
            }
            Some(b'.') => i += 1,
            Some(_) => return None,
        }
    }
    if !slash && i < s.len() {
        return None;
    }
    let bits = if slash && s.get(i + 1).is_some_and(u8::is_ascii_digit) && n > 0 {
        width(s, i + 1, 32)?
    } else if slash || i < s.len() {
        return None;
    } else if n == 4 {
        32
    } else {
        return None;
    };
    if n == 0 || bits / 8 > n {
        return None;
    }
    Some(bits)
}

/// inet_cidr_pton_ipv4: hex or dotted octets, an optional /width, the
/// width inferred from the address class without one.
fn cidr_pton_ipv4(s: &[u8], dst: &mut [u8; 16]) -> Option<usize> {
    let mut i;
    let mut n = 0;
    if s.len() > 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' && s[2].is_ascii_hexdigit() {
        i = 2;
        let mut nybbles = 0;
        while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(16)) {
            if nybbles % 2 == 0 {
                if n == 4 {
                    return None;
                }
                dst[n] = (d as u8) << 4;
                n += 1;
            } else {
                dst[n - 1] |= d as u8;
            }
            nybbles += 1;
            i += 1;
        }
    } else if s.first().is_some_and(u8::is_ascii_digit) {
        i = 0;
        loop {
            push_octet(dst, &mut n, decimal(s, &mut i, 255)?)?;
            match s.get(i) {
                None | Some(b'/') => break,
                Some(b'.') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
                _ => return None,
            }
        }
    } else {
        return None;
    }
    let bits = if s.get(i) == Some(&b'/') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        width(s, i + 1, 32)?
    } else if i < s.len() {
        return None;
    } else {
        let mut bits = match dst[0] {
            240.. => 32,
            224.. => 8,
            192.. => 24,
            128.. => 16,
            _ => 8,
        };
        if bits < n * 8 {
            bits = n * 8;
        }
        if bits == 8 && dst[0] == 224 {
            bits = 4;
        }
        bits
    };
    if n == 0 {
        return None;
    }
    Some(bits)
}

/// getv4: a dotted IPv4 tail of an IPv6 address, maybe with /width.
fn getv4(s: &[u8], dst: &mut [u8]) -> Option<Option<usize>> {
    let mut n = 0;
    let mut val = 0u32;
    let mut digits = 0;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() {
            if digits != 0 && val == 0 {
                return None;
            }
            digits += 1;
            val = val * 10 + u32::from(c - b'0');
            if val > 255 {
                return None;
            }
            continue;
        }
        if c == b'.' || c == b'/' {
            if n > 3 {
                return None;
            }
            dst[n] = val as u8;
            n += 1;
            if c == b'/' {
                return getbits(&s[i..]).map(Some);
            }
            val = 0;
            digits = 0;
            continue;
        }
        return None;
    }
    if digits == 0 || n > 3 {
        return None;
    }
    dst[n] = val as u8;
    Some(None)
}

/// getbits: a width up to 128 without leading zeros.
fn getbits(s: &[u8]) -> Option<usize> {
    if s.is_empty() || (s.len() > 1 && s[0] == b'0') || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut i = 0;
    decimal(s, &mut i, 128)
}

/// inet_cidr_pton_ipv6: groups of up to four hex digits, one `::`, an
/// optional dotted IPv4 tail, an optional /width.
fn pton_ipv6(s: &[u8], dst: &mut [u8; 16]) -> Option<usize> {
    let mut tmp = [0u8; 16];
    let mut tp = 0usize;
    let mut colonp: Option<usize> = None;
    let mut i = 0;
    if s.first() == Some(&b':') {
        if s.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut curtok = i;
    let mut saw_xdigit = false;
    let mut val = 0u32;
    let mut digits = 0;
    let mut bits = None;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if let Some(d) = (c as char).to_digit(16) {
            val = (val << 4) | d;
            digits += 1;
            if digits > 4 {
                return None;
            }
            saw_xdigit = true;
            continue;
        }
        if c == b':' {
            curtok = i;
            if !saw_xdigit {
                if colonp.is_some() {
                    return None;
                }
                colonp = Some(tp);
                continue;
            } else if i == s.len() {
                return None;
            }
            if tp + 2 > 16 {
                return None;
            }
            tmp[tp] = (val >> 8) as u8;
            tmp[tp + 1] = val as u8;
            tp += 2;
            saw_xdigit = false;
            digits = 0;
            val = 0;
            continue;
        }
        if c == b'.' && tp + 4 <= 16 {
            if let Some(width) = getv4(&s[curtok..], &mut tmp[tp..tp + 4]) {
                tp += 4;
                saw_xdigit = false;
                bits = width;
                i = s.len();
                break;
            }
        }
        if c == b'/' {
            if let Some(b) = getbits(&s[i..]) {
                bits = Some(b);
                i = s.len();
                break;
            }
        }
        return None;
    }
    let _ = i;
    if saw_xdigit {
        if tp + 2 > 16 {
            return None;
        }
        tmp[tp] = (val >> 8) as u8;
        tmp[tp + 1] = val as u8;
        tp += 2;
    }
    if let Some(c) = colonp {
        if tp == 16 {
            return None;
        }
        let n = tp - c;
        for k in 1..=n {
            tmp[16 - k] = tmp[c + n - k];
            tmp[c + n - k] = 0;
        }
        tp = 16;
    }
    if tp != 16 {
        return None;
    }
    *dst = tmp;
    Some(bits.unwrap_or(128))
}

fn ntop_ipv4(bytes: &[u8], out: &mut String) {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let _ = write!(out, "{b}");
    }
}

/// inet_net_ntop_ipv6: the longest run of two or more zero words as
/// `::` (the first of equal runs), IPv4-compatible and -mapped addresses
/// with a dotted tail.
fn ntop_ipv6(src: &[u8; 16], out: &mut String) {
    let words: Vec<u32> = (0..8)
        .map(|i| u32::from(src[2 * i]) << 8 | u32::from(src[2 * i + 1]))
        .collect();
    // (first word, length) of the longest zero run, and of the current one.
    type Run = Option<(usize, usize)>;
    let (mut best, mut cur): (Run, Run) = (None, None);
    for (i, w) in words.iter().enumerate() {
        if *w == 0 {
            cur = Some(cur.map_or((i, 1), |(b, l)| (b, l + 1)));
        } else if let Some(c) = cur.take() {
            if best.is_none_or(|b| c.1 > b.1) {
                best = Some(c);
            }
        }
    }
    if let Some(c) = cur {
        if best.is_none_or(|b| c.1 > b.1) {
            best = Some(c);
        }
    }
    let best = best.filter(|b| b.1 >= 2);
    for i in 0..8 {
        if let Some((base, len)) = best {
            if i >= base && i < base + len {
                if i == base {
                    out.push(':');
                }
                continue;
            }
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6
            && best.is_some_and(|(base, len)| {
                base == 0
                    && (len == 6 || (len == 7 && words[7] != 1) || (len == 5 && words[5] == 0xffff))
            })
        {
            ntop_ipv4(&src[12..16], out);
            break;
        }
        let _ = write!(out, "{:x}", words[i]);
    }
    if best.is_some_and(|(base, len)| base + len == 8) {
        out.push(':');
    }
}

/// inet_cidr_ntop_ipv4: the octets the mask covers, then /width.
fn cidr_ntop_ipv4(src: &[u8], bits: usize, out: &mut String) {
    if bits == 0 {
        out.push('0');
    }
    let whole = bits / 8;
    for (k, b) in src[..whole].iter().enumerate() {
        if k > 0 {
            out.push('.');
        }
        let _ = write!(out, "{b}");
    }
    let rest = bits % 8;
    if rest > 0 {
        if !out.is_empty() {
            out.push('.');
        }
        let m = (((1u32 << rest) - 1) << (8 - rest)) as u8;
        let _ = write!(out, "{}", src[whole] & m);
    }
    let _ = write!(out, "/{bits}");
}

/// inet_cidr_ntop_ipv6: the words the mask covers (at least two), the
/// longest zero run as `::`, then /width.
fn cidr_ntop_ipv6(src: &[u8; 16], bits: usize, out: &mut String) {
    if bits == 0 {
        out.push_str("::");
        let _ = write!(out, "/{bits}");
        return;
    }
    let mut s = [0u8; 16];
    let p = bits.div_ceil(8);
    s[..p].copy_from_slice(&src[..p]);
    if !bits.is_multiple_of(8) {
        s[p - 1] &= 0xffu8 << (8 - bits % 8);
    }
    let words = bits.div_ceil(16).max(2);
    let (mut zero_s, mut zero_l, mut tmp_s, mut tmp_l) = (0, 0, 0, 0);
    for i in (0..words * 2).step_by(2) {
        if s[i] | s[i + 1] == 0 {
            if tmp_l == 0 {
                tmp_s = i / 2;
            }
            tmp_l += 1;
        } else if tmp_l != 0 && zero_l < tmp_l {
            zero_s = tmp_s;
            zero_l = tmp_l;
            tmp_l = 0;
        }
    }
    if tmp_l != 0 && zero_l < tmp_l {
        zero_s = tmp_s;
        zero_l = tmp_l;
    }
    let is_ipv4 = zero_l != words
        && zero_s == 0
        && (zero_l == 6
            || (zero_l == 5 && s[10] == 0xff && s[11] == 0xff)
            || (zero_l == 7 && s[14] != 0 && s[15] != 1));
    let mut k = 0;
    for p in 0..words {
        if zero_l != 0 && p >= zero_s && p < zero_s + zero_l {
            if p == zero_s {
                out.push(':');
            }
            if p == words - 1 {
                out.push(':');
            }
            k += 2;
            continue;
        }
        if is_ipv4 && p > 5 {
            out.push(if p == 6 { ':' } else { '.' });
            let _ = write!(out, "{}", s[k]);
            k += 1;
            if p != 7 || bits > 120 {
                out.push('.');
                let _ = write!(out, "{}", s[k]);
                k += 1;
            }
        } else {
            if !out.is_empty() {
                out.push(':');
            }
            let _ = write!(out, "{:x}", u32::from(s[k]) * 256 + u32::from(s[k + 1]));
            k += 2;
        }
    }
    let _ = write!(out, "/{bits}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inet(s: &str) -> String {
        let mut out = String::new();
        Inet::parse(s, false).unwrap().write(false, &mut out);
        out
    }

    fn cidr(s: &str) -> String {
        let mut out = String::new();
        Inet::parse(s, true).unwrap().write(true, &mut out);
        out
    }

    #[test]
    fn reads_and_writes_as_postgresql() {
        assert_eq!(inet("192.168.1.226/24"), "192.168.1.226/24");
        assert_eq!(inet("10.1.2.3"), "10.1.2.3");
        assert_eq!(inet("10/8"), "10.0.0.0/8");
        assert_eq!(inet("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(inet("::4.3.2.1/24"), "::4.3.2.1/24");
        assert_eq!(inet("10:23::f1/64"), "10:23::f1/64");
        assert_eq!(
            inet("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        );
        assert_eq!(cidr("192.168.1"), "192.168.1.0/24");
        assert_eq!(cidr("10"), "10.0.0.0/8");
        assert_eq!(cidr("10.1.2.3"), "10.1.2.3/32");
        assert_eq!(cidr("224"), "224.0.0.0/4");
        assert_eq!(cidr("128"), "128.0.0.0/16");
        assert_eq!(cidr("::/0"), "::/0");
        assert_eq!(cidr("10:23::/64"), "10:23::/64");
        assert!(Inet::parse("192.168.1.2/30", true).is_err());
        assert!(Inet::parse("1.2.3.", false).is_err());
        assert!(Inet::parse("1.2.3.4/33", false).is_err());
        assert!(Inet::parse("", false).is_err());
        assert!(Inet::parse(":::", false).is_err());
    }

    #[test]
    fn abbreviates_and_orders_as_postgresql() {
        let c = Inet::parse("10.1.0.0/16", true).unwrap();
        assert_eq!(c.abbrev(true), "10.1/16");
        assert_eq!(
            Inet::parse("10:23::8000/113", true).unwrap().abbrev(true),
            "10:23::8000/113"
        );
        let a = Inet::parse("10.0.0.0/8", false).unwrap();
        let b = Inet::parse("10.1.0.0/16", false).unwrap();
        let d = Inet::parse("9.255.0.0/16", false).unwrap();
        assert!(d < a && a < b);
        let mut ka = Vec::new();
        let mut kb = Vec::new();
        a.sort_key(&mut ka);
        b.sort_key(&mut kb);
        assert!(ka < kb);
        assert!(b.within(&a, false) && !a.within(&b, true) && a.overlaps(&b));
        assert_eq!(a.broadcast().show(), "10.255.255.255/8");
        assert_eq!(b.netmask().show(), "255.255.0.0/32");
        assert_eq!(b.hostmask().show(), "0.0.255.255/32");
    }

    #[test]
    fn arithmetic_stays_in_the_family() {
        let a = Inet::parse("255.255.255.255", false).unwrap();
        assert!(a.add(1).is_err());
        let z = Inet::parse("0.0.0.0", false).unwrap();
        assert!(z.add(-1).is_err());
        assert_eq!(z.add(256).unwrap().host_text(), "0.0.1.0");
        assert_eq!(a.difference(&z).unwrap(), 4294967295);
        assert_eq!(z.difference(&a).unwrap(), -4294967295);
    }
}
