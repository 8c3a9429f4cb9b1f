//! The control file, DATA/global/pg_control: where recovery starts.
//!
//! It is written after every checkpoint (and at shutdown) with a CRC, to a
//! temporary file that is fsynced and renamed over the old one, so it is
//! always either the old or the new contents.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// "ACTL".
const MAGIC: u32 = 0x4143_544c;
/// Format version.
const VERSION: u32 = 1;
/// Bytes in the file.
const SIZE: usize = 48;

/// The database cluster's state, as pg_control's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterState {
    /// Cleanly shut down: no redo needed beyond the checkpoint.
    ShutDown = 1,
    /// Running, or crashed while running.
    InProduction = 2,
}

/// The control file's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlFile {
    /// State.
    pub state: ClusterState,
    /// Start of the latest checkpoint record.
    pub checkpoint: u64,
    /// Where its redo starts.
    pub redo: u64,
    /// Next transaction id at that checkpoint.
    pub next_xid: u32,
    /// Next OID at that checkpoint.
    pub next_oid: u32,
    /// When it was written (microseconds since 2000-01-01).
    pub time: i64,
}

impl ControlFile {
    fn encode(&self) -> [u8; SIZE] {
        let mut b = [0u8; SIZE];
        b[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        b[4..8].copy_from_slice(&VERSION.to_le_bytes());
        b[8..12].copy_from_slice(&(self.state as u32).to_le_bytes());
        b[12..20].copy_from_slice(&self.checkpoint.to_le_bytes());
        b[20..28].copy_from_slice(&self.redo.to_le_bytes());
        b[28..32].copy_from_slice(&self.next_xid.to_le_bytes());
        b[32..36].copy_from_slice(&self.next_oid.to_le_bytes());
        b[36..44].copy_from_slice(&self.time.to_le_bytes());
        let crc = crc32c::crc32c(&b[..44]);
        b[44..48].copy_from_slice(&crc.to_le_bytes());
        b
    }

    fn decode(b: &[u8]) -> io::Result<ControlFile> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        if b.len() != SIZE {
            return Err(bad("control file has the wrong size"));
        }
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(x)
        };
        if u32_at(44) != crc32c::crc32c(&b[..44]) {
            return Err(bad("incorrect checksum in control file"));
        }
        if u32_at(0) != MAGIC || u32_at(4) != VERSION {
            return Err(bad("control file was written by an incompatible server"));
        }
        let state = match u32_at(8) {
            1 => ClusterState::ShutDown,
            2 => ClusterState::InProduction,
            _ => return Err(bad("control file has an invalid state")),
        };
        Ok(ControlFile {
            state,
            checkpoint: u64_at(12),
            redo: u64_at(20),
            next_xid: u32_at(28),
            next_oid: u32_at(32),
            time: u64_at(36) as i64,
        })
    }

    /// Reads DATA/global/pg_control.
    pub fn read(data: &Path) -> io::Result<ControlFile> {
        let path = data.join("global").join("pg_control");
        let b = fs::read(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("could not read \"{}\": {e}", path.display()),
            )
        })?;
        Self::decode(&b)
            .map_err(|e| io::Error::new(e.kind(), format!("\"{}\": {e}", path.display())))
    }

    /// Writes it durably (temp file, fsync, rename, fsync directory).
    pub fn write(&self, data: &Path, fsync: bool) -> io::Result<()> {
        let dir = data.join("global");
        fs::create_dir_all(&dir)?;
        let tmp = dir.join("pg_control.tmp");
        let mut f = File::create(&tmp)?;
        f.write_all(&self.encode())?;
        if fsync {
            f.sync_all()?;
        }
        fs::rename(&tmp, dir.join("pg_control"))?;
        if fsync {
            File::open(&dir)?.sync_all()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_damage() {
        let tmp = tempfile::tempdir().unwrap();
        let c = ControlFile {
            state: ClusterState::InProduction,
            checkpoint: 16 << 20,
            redo: 16 << 20,
            next_xid: 3,
            next_oid: 16384,
            time: 12345,
        };
        c.write(tmp.path(), true).unwrap();
        assert_eq!(ControlFile::read(tmp.path()).unwrap(), c);
        let path = tmp.path().join("global/pg_control");
        let mut b = fs::read(&path).unwrap();
        b[14] ^= 1;
        fs::write(&path, b).unwrap();
        let e = ControlFile::read(tmp.path()).unwrap_err();
        assert!(
            e.to_string().contains("incorrect checksum in control file"),
            "{e}"
        );
    }
}
