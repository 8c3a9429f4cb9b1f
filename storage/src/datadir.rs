//! The data directory.
//!
//! ```text
//! DATA/
//!   PG_VERSION        "15": the on-disk format generation
//!   postgresql.conf   settings, read at start (name = value, # comments)
//!   postmaster.pid    present while a server runs on this directory
//! ```
//!
//! Rules:
//! 1. `initdb` only writes into a missing or empty directory.
//! 2. A server runs on a directory only while it holds `postmaster.pid`;
//!    a lock left by a dead process is taken over, a live one is an error.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The format generation written to PG_VERSION.
pub const PG_VERSION: &str = "15";
/// The settings file name.
pub const CONFIG_FILE: &str = "postgresql.conf";
/// The lock file name.
const PID_FILE: &str = "postmaster.pid";

/// Fills a new data directory with the cluster's files (storage and
/// catalogs live in crates above this one).
pub type Populate = dyn Fn(&Path) -> Result<(), String>;

/// What can go wrong with a data directory.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// initdb into a directory that has files.
    #[error("directory \"{0}\" exists but is not empty")]
    NotEmpty(PathBuf),
    /// A directory without PG_VERSION.
    #[error("\"{0}\" is not a valid data directory: file PG_VERSION is missing")]
    NotADataDir(PathBuf),
    /// PG_VERSION names another format.
    #[error("database files in \"{path}\" are incompatible with this server: PG_VERSION is \"{found}\", expected \"{PG_VERSION}\"")]
    Incompatible {
        /// The directory.
        path: PathBuf,
        /// What PG_VERSION says.
        found: String,
    },
    /// Another live server holds the lock.
    #[error("lock file \"{path}\" already exists; is another server (PID {pid}) running in data directory \"{dir}\"?")]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The data directory.
        dir: PathBuf,
        /// The holder's process id.
        pid: u32,
    },
    /// Creating the cluster's files and catalogs failed.
    #[error("initdb failed in \"{path}\": {message}")]
    Bootstrap {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A file operation failed.
    #[error("could not access \"{path}\": {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> DataDirError + '_ {
    move |source| DataDirError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A data directory that exists and is valid.
#[derive(Debug, Clone)]
pub struct DataDir {
    /// Its path.
    path: PathBuf,
}

/// The postgresql.conf initdb writes: every line a comment, so the
/// built-in defaults apply until someone edits it.
const CONFIG_TEMPLATE: &str = "\
# actorgres configuration file
#
# One setting per line: name = value. Lines starting with # are comments.
# Settings use PostgreSQL's names; `actorgres start -c name=value`
# overrides this file. See README.md for the list.

#listen_addresses = 'localhost'
#port = 5432
#max_connections = 100
#shared_buffers = 128MB
#work_mem = 4MB
#maintenance_work_mem = 64MB
#authentication_timeout = 1min
#statement_timeout = 0
#introspection_listen = '127.0.0.1:8432'    # ADDR:PORT, '' to disable
";

impl DataDir {
    /// initdb: creates the layout in a missing or empty directory.
    pub fn init(path: &Path) -> Result<DataDir, DataDirError> {
        Self::init_with(path, &|_| Ok(()))
    }

    /// initdb with `populate` run before PG_VERSION is written, so a
    /// directory is only ever complete or plainly not a data directory.
    pub fn init_with(path: &Path, populate: &Populate) -> Result<DataDir, DataDirError> {
        if path.exists() {
            let mut entries = fs::read_dir(path).map_err(io_err(path))?;
            if entries.next().is_some() {
                return Err(DataDirError::NotEmpty(path.to_path_buf()));
            }
        } else {
            fs::create_dir_all(path).map_err(io_err(path))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_err(path))?;
        }
        let conf = path.join(CONFIG_FILE);
        fs::write(&conf, CONFIG_TEMPLATE).map_err(io_err(&conf))?;
        populate(path).map_err(|message| DataDirError::Bootstrap {
            path: path.to_path_buf(),
            message,
        })?;
        // PG_VERSION last: its presence marks a complete initdb.
        let version = path.join("PG_VERSION");
        fs::write(&version, format!("{PG_VERSION}\n")).map_err(io_err(&version))?;
        Ok(DataDir {
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing data directory.
    pub fn open(path: &Path) -> Result<DataDir, DataDirError> {
        let version = path.join("PG_VERSION");
        let found = match fs::read_to_string(&version) {
            Ok(v) => v.trim().to_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(DataDirError::NotADataDir(path.to_path_buf()))
            }
            Err(e) => return Err(io_err(&version)(e)),
        };
        if found != PG_VERSION {
            return Err(DataDirError::Incompatible {
                path: path.to_path_buf(),
                found,
            });
        }
        Ok(DataDir {
            path: path.to_path_buf(),
        })
    }

    /// Opens the directory, running initdb first when it is missing or
    /// empty (what `actorgres start` does on a fresh machine).
    pub fn open_or_init(path: &Path, populate: &Populate) -> Result<(DataDir, bool), DataDirError> {
        let empty = match fs::read_dir(path) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(io_err(path)(e)),
        };
        if empty {
            Ok((Self::init_with(path, populate)?, true))
        } else {
            Ok((Self::open(path)?, false))
        }
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings file; its text, or None if it does not exist.
    pub fn config(&self) -> Result<Option<String>, DataDirError> {
        let p = self.path.join(CONFIG_FILE);
        match fs::read_to_string(&p) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&p)(e)),
        }
    }

    /// Takes the `postmaster.pid` lock for this process.
    pub fn lock(&self, port: u16) -> Result<PidLock, DataDirError> {
        let path = self.path.join(PID_FILE);
        let me = std::process::id();
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let text = format!("{me}\n{}\n{port}\n", self.path.display());
                    f.write_all(text.as_bytes()).map_err(io_err(&path))?;
                    f.sync_all().map_err(io_err(&path))?;
                    return Ok(PidLock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()));
                    match holder {
                        Some(pid) if pid != me && process_alive(pid) => {
                            return Err(DataDirError::Locked {
                                path,
                                dir: self.path.clone(),
                                pid,
                            })
                        }
                        _ => {
                            tracing::warn!(file = %path.display(), "removing stale lock file");
                            fs::remove_file(&path).map_err(io_err(&path))?;
                        }
                    }
                }
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
        Err(io_err(&path)(io::Error::other("could not take the lock")))
    }
}

/// Whether a process exists (Linux: /proc/PID).
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Holds `postmaster.pid`; removes it when dropped (clean shutdown).
#[derive(Debug)]
pub struct PidLock {
    /// The lock file.
    path: PathBuf,
}

impl Drop for PidLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_refuses_non_empty_and_open_checks_version() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let d = DataDir::init(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join("PG_VERSION")).unwrap(), "15\n");
        assert!(d.config().unwrap().unwrap().contains("#port = 5432"));
        assert!(matches!(
            DataDir::init(&dir),
            Err(DataDirError::NotEmpty(_))
        ));
        DataDir::open(&dir).unwrap();
        fs::write(dir.join("PG_VERSION"), "9\n").unwrap();
        assert!(matches!(
            DataDir::open(&dir),
            Err(DataDirError::Incompatible { .. })
        ));
        let other = tmp.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("x"), "").unwrap();
        assert!(matches!(
            DataDir::open(&other),
            Err(DataDirError::NotADataDir(_))
        ));
        assert!(matches!(
            DataDir::open_or_init(&other, &|_| Ok(())),
            Err(DataDirError::NotADataDir(_))
        ));
    }

    #[test]
    fn open_or_init_creates_missing_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        let (_, created) = DataDir::open_or_init(&dir, &|_| Ok(())).unwrap();
        assert!(created);
        let (_, created) = DataDir::open_or_init(&dir, &|_| Ok(())).unwrap();
        assert!(!created);
    }

    #[test]
    fn lock_is_exclusive_and_stale_locks_are_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let d = DataDir::init(tmp.path()).unwrap();
        // A lock held by a live process (pid 1, always alive) is refused.
        fs::write(tmp.path().join(PID_FILE), "1\n").unwrap();
        assert!(matches!(
            d.lock(5432),
            Err(DataDirError::Locked { pid: 1, .. })
        ));
        // A lock of a dead process is taken over.
        fs::write(tmp.path().join(PID_FILE), "4000000000\n").unwrap();
        let lock = d.lock(5432).unwrap();
        assert!(tmp.path().join(PID_FILE).exists());
        drop(lock);
        assert!(!tmp.path().join(PID_FILE).exists());
    }
}
