//! pg_snapshot and txid_snapshot values (PostgreSQL's xid8funcs.c): a
//! snapshot's xmin, xmax and in-progress transaction ids as 64-bit full
//! ids, written `xmin:xmax:xip,...`.

use std::fmt::Write as _;

use super::strtou64;
use crate::error::{Result, SqlError, SqlState};

/// A snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XidSnapshot {
    /// Every id below it had finished.
    pub xmin: u64,
    /// Every id at or above it had not started.
    pub xmax: u64,
    /// In progress at the time, ascending, without duplicates.
    pub xip: Vec<u64>,
}

/// A full id is valid when its 32-bit xid part is not 0.
fn valid(x: u64) -> bool {
    x & 0xffff_ffff != 0
}

impl XidSnapshot {
    /// pg_snapshot_in (txid_snapshot's too, with its message).
    pub fn parse(text: &str) -> Result<XidSnapshot> {
        let bad = || {
            SqlError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                format!("invalid input syntax for type pg_snapshot: \"{text}\""),
            )
        };
        let s = text.as_bytes();
        let mut i = 0;
        let xmin = strtou64(s, &mut i, 10);
        if s.get(i) != Some(&b':') {
            return Err(bad());
        }
        i += 1;
        let xmax = strtou64(s, &mut i, 10);
        if s.get(i) != Some(&b':') {
            return Err(bad());
        }
        i += 1;
        if !valid(xmin) || !valid(xmax) || xmax < xmin {
            return Err(bad());
        }
        let mut xip: Vec<u64> = Vec::new();
        let mut last = 0;
        while i < s.len() {
            let v = strtou64(s, &mut i, 10);
            if v < xmin || v >= xmax || v < last {
                return Err(bad());
            }
            if v != last {
                xip.push(v);
            }
            last = v;
            match s.get(i) {
                Some(b',') => i += 1,
                None => {}
                Some(_) => return Err(bad()),
            }
        }
        Ok(XidSnapshot { xmin, xmax, xip })
    }

    /// pg_snapshot_out, as a new string (how rows, keys and spill files
    /// keep a snapshot).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// pg_snapshot_out.
    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "{}:{}:", self.xmin, self.xmax);
        for (i, x) in self.xip.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{x}");
        }
    }

    /// pg_visible_in_snapshot: finished before the snapshot was taken.
    pub fn visible(&self, x: u64) -> bool {
        if x < self.xmin {
            true
        } else if x >= self.xmax {
            false
        } else {
            self.xip.binary_search(&x).is_err()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_postgresql() {
        let text = |s: &str| {
            let mut out = String::new();
            XidSnapshot::parse(s).unwrap().write(&mut out);
            out
        };
        assert_eq!(text("12:16:14,14"), "12:16:14");
        assert_eq!(text(" 1:5: 3"), "1:5:3");
        assert_eq!(text("1:18446744073709551615:"), "1:18446744073709551615:");
        for bad in [
            "31:12:",
            "0:1:",
            "12:13:0",
            "12:16:14,13",
            "1:9223372036854775808:3",
        ] {
            assert!(XidSnapshot::parse(bad).is_err(), "{bad}");
        }
        let s = XidSnapshot::parse("12:20:13,15,18").unwrap();
        assert!(s.visible(12) && !s.visible(13) && s.visible(14) && !s.visible(20));
    }
}
