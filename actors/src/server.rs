//! Starting the server: bind the sockets, start the actor tree, run until
//! a shutdown completes.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use actix::prelude::*;
use actorgres_sql::guc::Settings;
use actorgres_sql::value::now_micros;
use actorgres_sql::Cluster;

use crate::introspection;
use crate::jobs;
use crate::postmaster::Postmaster;
use crate::shared::Shared;
use crate::tree;

/// What [`run`] returns when the tree stopped after a crash it cannot
/// recover from in place (a dead Checkpointer or SharedBuffers, a
/// PANIC-class storage failure): the process must restart, running
/// recovery first.
pub const EXIT_CRASHED: i32 = 3;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// listen_addresses has an entry that is not an address or host.
    #[error("invalid listen_addresses entry \"{0}\"")]
    BadListenAddress(String),
    /// No listening socket could be created.
    #[error("could not create any TCP/IP sockets (listen_addresses = \"{0}\")")]
    NoListeners(String),
    /// A required socket could not be bound.
    #[error("could not bind {what} {addr}: {source}")]
    Bind {
        /// What the socket was for.
        what: &'static str,
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The cluster could not be opened or recovered.
    #[error("could not start the database cluster: {0}")]
    Storage(String),
    /// The actor system failed.
    #[error("actor system error: {0}")]
    System(std::io::Error),
}

/// A started server: where it listens and its supervisor.
#[derive(Clone)]
pub struct Handle {
    /// The Postmaster.
    pub postmaster: Addr<Postmaster>,
    /// PostgreSQL protocol addresses.
    pub listen: Vec<SocketAddr>,
    /// The introspection endpoint, if enabled.
    pub introspection: Option<SocketAddr>,
}

/// Resolves listen_addresses ("localhost", "*", addresses, host names).
fn listen_addrs(spec: &str, port: u16) -> Result<Vec<SocketAddr>, StartError> {
    let mut out = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item {
            "*" => {
                out.push(SocketAddr::from(([0, 0, 0, 0], port)));
                out.push(SocketAddr::from(([0u16; 8], port)));
            }
            "localhost" => {
                out.push(SocketAddr::from(([127, 0, 0, 1], port)));
                out.push(SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port)));
            }
            host => {
                let addrs = (host, port)
                    .to_socket_addrs()
                    .map_err(|_| StartError::BadListenAddress(host.to_owned()))?;
                out.extend(addrs);
            }
        }
    }
    Ok(out)
}

/// Binds the PostgreSQL listeners. Like PostgreSQL, an address that
/// cannot be bound is a warning as long as one can.
fn bind_listeners(settings: &Settings) -> Result<Vec<std::net::TcpListener>, StartError> {
    let spec = settings.str("listen_addresses");
    let port = u16::try_from(settings.int("port")).unwrap_or(5432);
    let mut listeners = Vec::new();
    let mut first_error = None;
    for addr in listen_addrs(&spec, port)? {
        match std::net::TcpListener::bind(addr).and_then(|l| {
            l.set_nonblocking(true)?;
            Ok(l)
        }) {
            Ok(l) => {
                let bound = l.local_addr().unwrap_or(addr);
                tracing::info!(address = %bound.ip(), port = bound.port(), "listening for PostgreSQL clients");
                listeners.push(l);
            }
            Err(e) => {
                tracing::warn!(%addr, error = %e, "could not bind address");
                first_error.get_or_insert(StartError::Bind {
                    what: "PostgreSQL address",
                    addr: addr.to_string(),
                    source: e,
                });
            }
        }
    }
    if listeners.is_empty() {
        return Err(first_error.unwrap_or(StartError::NoListeners(spec)));
    }
    Ok(listeners)
}

/// Opens the cluster in the `data_directory` setting, running recovery
/// first: no connection is accepted before this returns.
pub fn open_cluster(settings: &Settings) -> Result<Arc<Cluster>, StartError> {
    let root = std::path::PathBuf::from(settings.str("data_directory"));
    let cluster = Cluster::open(&root, settings).map_err(|e| StartError::Storage(e.to_string()))?;
    let r = cluster.engine.recovery;
    let lsn = |l: u64| format!("{:X}/{:X}", l >> 32, l as u32);
    if r.clean {
        tracing::info!(checkpoint_redo = %lsn(r.redo), "database system was shut down cleanly");
    } else {
        tracing::warn!(
            redo_start = %lsn(r.redo),
            redo_end = %lsn(r.end),
            records = r.records,
            aborted_transactions = r.aborted,
            "database system was not properly shut down; automatic recovery done"
        );
    }
    Ok(cluster)
}

/// Starts the tree inside the running System on an opened `cluster`.
/// `handle_signals` installs the SIGTERM/SIGINT/SIGQUIT shutdown handlers
/// (off in tests).
pub fn start(
    settings: Settings,
    cluster: Arc<Cluster>,
    handle_signals: bool,
) -> Result<Handle, StartError> {
    let listeners = bind_listeners(&settings)?;
    start_on(settings, cluster, listeners, handle_signals)
}

/// Starts the tree on listeners bound by the caller.
pub fn start_on(
    settings: Settings,
    cluster: Arc<Cluster>,
    listeners: Vec<std::net::TcpListener>,
    handle_signals: bool,
) -> Result<Handle, StartError> {
    start_with_workers(settings, cluster, listeners, handle_signals, Vec::new())
}

/// [`start_on`] with background workers besides the built-in ones (the
/// public background-worker API).
pub fn start_with_workers(
    settings: Settings,
    cluster: Arc<Cluster>,
    listeners: Vec<std::net::TcpListener>,
    handle_signals: bool,
    extra_workers: Vec<crate::WorkerSpec>,
) -> Result<Handle, StartError> {
    let introspection_spec = settings.str("introspection_listen");
    let introspection_listener = if introspection_spec.is_empty() {
        None
    } else {
        let l = std::net::TcpListener::bind(&introspection_spec).map_err(|source| {
            StartError::Bind {
                what: "introspection address",
                addr: introspection_spec.clone(),
                source,
            }
        })?;
        Some(l)
    };
    let listen: Vec<SocketAddr> = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arbiters = (0..cores).map(|_| Arbiter::new().handle()).collect();
    let mut workers = jobs::builtin(&cluster, &settings);
    workers.extend(extra_workers);
    let shared = Arc::new(Shared::new(settings, cluster));
    let mut postmaster =
        Postmaster::new(shared, listeners, arbiters, handle_signals).with_workers(workers);
    let introspection_addr = introspection_listener
        .as_ref()
        .and_then(|l| l.local_addr().ok());
    if let Some(addr) = introspection_addr {
        postmaster = postmaster.with_child_node(tree::introspection_node(now_micros(), addr));
    }
    let postmaster = postmaster.start();
    let introspection = match introspection_listener {
        Some(l) => {
            let addr = introspection::serve(l, postmaster.clone()).map_err(StartError::System)?;
            tracing::info!(url = %format!("http://{addr}/tree"), "introspection endpoint listening");
            Some(addr)
        }
        None => None,
    };
    Ok(Handle {
        postmaster,
        listen,
        introspection,
    })
}

/// Runs a server with `settings` until it shuts down: recovery, then the
/// actor tree. Returns the exit code.
pub fn run(settings: Settings) -> Result<i32, StartError> {
    let cluster = open_cluster(&settings)?;
    let system = actix_rt::System::new();
    system.block_on(async { start(settings, cluster, true).map(|_| ()) })?;
    system.run_with_code().map_err(StartError::System)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_address_forms() {
        let v = listen_addrs("localhost", 5432).unwrap();
        assert_eq!(v[0].to_string(), "127.0.0.1:5432");
        assert_eq!(v[1].to_string(), "[::1]:5432");
        assert_eq!(listen_addrs("*", 1).unwrap().len(), 2);
        assert_eq!(listen_addrs("127.0.0.1, 127.0.0.2", 1).unwrap().len(), 2);
        assert!(listen_addrs("", 1).unwrap().is_empty());
        assert!(matches!(
            listen_addrs("no such host name.invalid", 1),
            Err(StartError::BadListenAddress(_))
        ));
    }
}
