//! The Postmaster: root of the actor tree.
//!
//! It owns the listening sockets, starts one Backend per connection on
//! the Arbiter threads (one per core, round robin), keeps the backend
//! table, routes CancelRequests, reaps children and carries out shutdown.
//!
//! Shutdown, as in PostgreSQL:
//!
//! | signal | mode | what happens |
//! |---|---|---|
//! | SIGTERM | smart | new sessions get 57P03; exit when the last session ends |
//! | SIGINT | fast | every session gets FATAL 57P01; exit when they are gone |
//! | SIGQUIT | immediate | exit now |
//!
//! Smart and fast shutdown end, once the sessions are gone, by stopping
//! the background workers and then asking the Checkpointer for the
//! shutdown checkpoint, so a clean restart replays nothing.
//!
//! Lifecycle: the cluster was opened and recovered before the Postmaster
//! starts (server.rs); `started` starts SharedBuffers, the Checkpointer
//! and the background workers, then begins accepting. The System stops
//! (exit code 0) when a shutdown completes. If the Postmaster itself
//! panics, the System stops and the process exits non-zero (server.rs).
//!
//! Restart policies (docs/ARCHITECTURE.md): a Backend is never restarted;
//! a BackgroundWorker actor that dies is started again after its restart
//! interval; if the Checkpointer or SharedBuffers dies, or the storage
//! engine reports a PANIC-class failure (fsync failed, a data file could
//! not be written), the tree stops at once without a shutdown checkpoint
//! and `run` returns [`crate::server::EXIT_CRASHED`]; the binary then
//! restarts the process in place (`restart_after_crash`), and recovery
//! runs first: PostgreSQL's "immediate restart with recovery".

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use actix::ArbiterHandle;
use actorgres_memory::Interrupt;
use actorgres_sql::value::now_micros;
use futures::StreamExt;
use tokio::net::{TcpListener, TcpStream};

use crate::backend::Backend;
use crate::checkpointer::{Checkpointer, ShutdownCheckpoint};
use crate::executor::PoolStats;
use crate::guard::ChildId;
use crate::shared::{Shared, ShutdownMode};
use crate::shared_buffers::SharedBuffers;
use crate::tree::{self, Describe, TreeNode};
use crate::worker::{self, BackgroundWorker, StopWorker, WorkerSpec};

/// How often the Postmaster checks that the storage engine is healthy.
const ENGINE_WATCH: Duration = Duration::from_millis(250);

/// How long a fast shutdown waits for sessions before exiting anyway.
const FAST_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A CancelRequest from a new connection: cancel the query of backend
/// `pid` if `key` is its secret key. Sent by a Backend; no reply (the
/// protocol tells the requester nothing).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CancelBackend {
    /// Target pid.
    pub pid: i32,
    /// The key the client quoted.
    pub key: i32,
}

/// A child actor ended. Sent by its [`crate::guard::ChildGuard`]; no reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ChildExited {
    /// Which child.
    pub child: ChildId,
    /// Whether it ended by panicking.
    pub panicked: bool,
}

/// Begin a shutdown in `mode`. Sent by the signal streams or tests; no reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RequestShutdown(pub ShutdownMode);

/// The live supervision tree. Sent by the introspection endpoint; the
/// reply is the tree.
#[derive(Message)]
#[rtype(result = "TreeNode")]
pub struct GetTree;

/// Postmaster facts for tests: (connections, admitted). Reply: counts.
#[derive(Message)]
#[rtype(result = "(usize, usize)")]
pub struct CountBackends;

/// The supervisor.
pub struct Postmaster {
    /// Server-wide state shared with children.
    shared: Arc<Shared>,
    /// Listening sockets, moved into streams at start.
    listeners: Vec<std::net::TcpListener>,
    /// Where the listeners listen (for the tree and logs).
    addrs: Vec<SocketAddr>,
    /// One Arbiter per core for backends.
    arbiters: Vec<ArbiterHandle>,
    /// Round-robin position.
    next_arbiter: usize,
    /// When the Postmaster started.
    started_at: i64,
    /// Whether to install signal handlers (off in actor tests).
    handle_signals: bool,
    /// Nodes of other children for the tree (introspection endpoint).
    extra_children: Vec<TreeNode>,
    /// The buffer pool's actor.
    shared_buffers: Option<Addr<SharedBuffers>>,
    /// The checkpointer.
    checkpointer: Option<Addr<Checkpointer>>,
    /// Background workers, by index.
    workers: Vec<WorkerSlot>,
    /// The final sequence (stop workers, checkpoint, exit) has begun.
    finishing: bool,
}

/// One background worker under the Postmaster.
struct WorkerSlot {
    spec: WorkerSpec,
    /// None while it waits to be restarted.
    addr: Option<Addr<BackgroundWorker>>,
    /// Times its actor was restarted by the Postmaster.
    restarts: u32,
}

impl Postmaster {
    /// A Postmaster for `listeners`, starting backends on `arbiters`.
    pub fn new(
        shared: Arc<Shared>,
        listeners: Vec<std::net::TcpListener>,
        arbiters: Vec<ArbiterHandle>,
        handle_signals: bool,
    ) -> Self {
        let addrs = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        Postmaster {
            shared,
            listeners,
            addrs,
            arbiters,
            next_arbiter: 0,
            started_at: now_micros(),
            handle_signals,
            extra_children: Vec::new(),
            shared_buffers: None,
            checkpointer: None,
            workers: Vec::new(),
            finishing: false,
        }
    }

    /// Adds background workers to start with the server.
    pub fn with_workers(mut self, specs: Vec<WorkerSpec>) -> Self {
        self.workers
            .extend(specs.into_iter().map(|spec| WorkerSlot {
                spec,
                addr: None,
                restarts: 0,
            }));
        self
    }

    fn start_worker(&mut self, index: usize, ctx: &mut Context<Self>) {
        let slot = &mut self.workers[index];
        let w = BackgroundWorker::new(
            slot.spec.clone(),
            self.shared.pool.clone(),
            ctx.address(),
            index,
            slot.restarts,
        );
        slot.addr = Some(w.start());
    }

    /// A Checkpointer or SharedBuffers death, or a broken engine: stop at
    /// once, exit code 1, recovery at the next start.
    fn crash(&mut self, why: &str) {
        if self.finishing {
            return;
        }
        self.finishing = true;
        tracing::error!("{why}; terminating every session and stopping without a checkpoint: restart the server to run recovery");
        self.shared.request_shutdown(ShutdownMode::Immediate);
        for p in self.shared.procs.snapshot() {
            p.signal(Interrupt::Terminate);
        }
        System::current().stop_with_code(crate::server::EXIT_CRASHED);
    }

    /// Adds a node shown under the Postmaster (the introspection server).
    pub fn with_child_node(mut self, node: TreeNode) -> Self {
        self.extra_children.push(node);
        self
    }

    fn install_signals(&self, ctx: &mut Context<Self>) {
        use tokio::signal::unix::{signal, SignalKind};
        for (kind, mode) in [
            (SignalKind::terminate(), ShutdownMode::Smart),
            (SignalKind::interrupt(), ShutdownMode::Fast),
            (SignalKind::quit(), ShutdownMode::Immediate),
        ] {
            match signal(kind) {
                Ok(sig) => {
                    let stream = futures::stream::unfold(sig, |mut s| async move {
                        s.recv().await.map(|()| ((), s))
                    })
                    .map(move |()| RequestShutdown(mode));
                    ctx.add_message_stream(stream);
                }
                Err(e) => tracing::warn!(error = %e, "could not install a signal handler"),
            }
        }
    }

    /// Exits when a shutdown is under way and no session is left.
    fn maybe_finish(&mut self, ctx: &mut Context<Self>) {
        if self.shared.shutdown().is_some() && self.shared.procs.is_empty() {
            self.finish(ctx);
        }
    }

    /// Stops the workers, runs the shutdown checkpoint, exits.
    fn finish(&mut self, ctx: &mut Context<Self>) {
        if self.finishing {
            return;
        }
        self.finishing = true;
        let stops: Vec<_> = self
            .workers
            .iter()
            .filter_map(|w| w.addr.clone())
            .map(|a| a.send(StopWorker))
            .collect();
        let checkpointer = self.checkpointer.clone();
        let done = async move {
            futures::future::join_all(stops).await;
            match checkpointer {
                Some(c) => c
                    .send(ShutdownCheckpoint)
                    .await
                    .unwrap_or_else(|_| Err("the checkpointer is gone".into())),
                None => Ok(()),
            }
        };
        ctx.spawn(done.into_actor(self).map(|result, _, _| match result {
            Ok(()) => {
                tracing::info!("database system is shut down");
                System::current().stop_with_code(0);
            }
            Err(e) => {
                tracing::error!(error = %e, "shutdown checkpoint failed; recovery will run at the next start");
                System::current().stop_with_code(1);
            }
        }));
    }

    fn pool_stats(&self) -> PoolStats {
        self.shared.pool.stats()
    }
}

impl Actor for Postmaster {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        for l in self.listeners.drain(..) {
            match TcpListener::from_std(l) {
                Ok(listener) => {
                    let accepts = futures::stream::unfold(listener, |l| async move {
                        let r = l.accept().await;
                        Some((r, l))
                    });
                    ctx.add_stream(accepts);
                }
                Err(e) => tracing::error!(error = %e, "could not register a listening socket"),
            }
        }
        if self.handle_signals {
            self.install_signals(ctx);
        }
        let me = ctx.address();
        self.shared_buffers =
            Some(SharedBuffers::new(Arc::clone(&self.shared), me.clone()).start());
        self.checkpointer = Some(Checkpointer::new(Arc::clone(&self.shared), me).start());
        for i in 0..self.workers.len() {
            self.start_worker(i, ctx);
        }
        ctx.run_interval(ENGINE_WATCH, |act, _| {
            if act.shared.cluster.engine.is_broken() {
                act.crash(
                    "the storage engine stopped after a failure it cannot recover from in place",
                );
            }
        });
        tracing::info!("database system is ready to accept connections");
    }
}

impl StreamHandler<io::Result<(TcpStream, SocketAddr)>> for Postmaster {
    fn handle(&mut self, item: io::Result<(TcpStream, SocketAddr)>, ctx: &mut Context<Self>) {
        let (stream, peer) = match item {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "could not accept new connection");
                return;
            }
        };
        if self.shared.shutdown() >= Some(ShutdownMode::Fast) {
            return;
        }
        let Some(proc_) = self
            .shared
            .procs
            .register(peer, self.shared.connection_limit())
        else {
            tracing::warn!(%peer, "too many connections in progress; closing the new one");
            return;
        };
        if let Ok(local) = stream.local_addr() {
            let _ = proc_.local.set(local);
        }
        let std_stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "could not hand a connection to a backend");
                self.shared.procs.remove(proc_.slot);
                return;
            }
        };
        let arbiter = &self.arbiters[self.next_arbiter % self.arbiters.len()];
        self.next_arbiter = self.next_arbiter.wrapping_add(1);
        Backend::spawn(
            std_stream,
            proc_,
            Arc::clone(&self.shared),
            ctx.address(),
            arbiter,
        );
    }

    fn finished(&mut self, _ctx: &mut Context<Self>) {
        // A listener stream never ends on its own; keep running.
    }
}

impl Handler<CancelBackend> for Postmaster {
    type Result = ();

    fn handle(&mut self, msg: CancelBackend, _: &mut Context<Self>) {
        match self.shared.procs.find_pid(msg.pid) {
            Some(p) if p.key == msg.key => {
                tracing::debug!(pid = msg.pid, "cancel request");
                p.interrupts.raise(Interrupt::Cancel);
            }
            // A wrong key or pid cancels nothing; the requester is not told.
            _ => tracing::debug!(
                pid = msg.pid,
                "cancel request with no matching backend and key"
            ),
        }
    }
}

impl Handler<ChildExited> for Postmaster {
    type Result = ();

    fn handle(&mut self, msg: ChildExited, ctx: &mut Context<Self>) {
        match msg.child {
            ChildId::Backend(slot) => {
                let gone = self.shared.procs.remove(slot);
                if msg.panicked {
                    tracing::error!(
                        pid = gone.as_ref().map(|p| p.pid),
                        "backend panicked; its session ended, every other session goes on"
                    );
                }
            }
            ChildId::SharedBuffers | ChildId::Checkpointer if !self.finishing => {
                self.crash(&format!("{:?} process terminated unexpectedly", msg.child));
                return;
            }
            ChildId::SharedBuffers | ChildId::Checkpointer => {}
            ChildId::Worker(i) if !self.finishing => {
                let Some(slot) = self.workers.get_mut(i) else {
                    return;
                };
                slot.addr = None;
                slot.restarts += 1;
                let wait = worker::backoff(slot.spec.restart_interval, 1);
                tracing::error!(
                    worker = slot.spec.job.name(),
                    panicked = msg.panicked,
                    "background worker exited; starting it again"
                );
                ctx.run_later(wait, move |act, ctx| {
                    if !act.finishing {
                        act.start_worker(i, ctx);
                    }
                });
                return;
            }
            ChildId::Worker(_) => return,
        }
        self.maybe_finish(ctx);
    }
}

impl Handler<RequestShutdown> for Postmaster {
    type Result = ();

    fn handle(&mut self, RequestShutdown(mode): RequestShutdown, ctx: &mut Context<Self>) {
        if self.shared.shutdown() >= Some(mode) {
            return;
        }
        self.shared.request_shutdown(mode);
        match mode {
            ShutdownMode::Smart => {
                tracing::info!("received smart shutdown request");
            }
            ShutdownMode::Fast => {
                tracing::info!("received fast shutdown request");
                for p in self.shared.procs.snapshot() {
                    p.signal(Interrupt::Terminate);
                }
                ctx.run_later(FAST_SHUTDOWN_GRACE, |act, ctx| {
                    tracing::warn!(
                        "sessions did not end within the fast shutdown grace period; exiting"
                    );
                    act.finish(ctx);
                });
            }
            ShutdownMode::Immediate => {
                // No checkpoint: recovery runs at the next start.
                tracing::info!("received immediate shutdown request");
                self.finishing = true;
                System::current().stop_with_code(0);
                return;
            }
        }
        self.maybe_finish(ctx);
    }
}

impl Handler<GetTree> for Postmaster {
    type Result = ResponseActFuture<Self, TreeNode>;

    /// Backends are described from the backend table; the other children
    /// answer [`Describe`] themselves, so what they show is their own
    /// live state. A child that does not answer shows as not responding.
    fn handle(&mut self, _: GetTree, _: &mut Context<Self>) -> Self::Result {
        let backends: Vec<TreeNode> = self
            .shared
            .procs
            .snapshot()
            .iter()
            .map(|p| tree::backend_node(p, &self.shared.settings))
            .collect();
        let mut asks: Vec<futures::future::LocalBoxFuture<'static, TreeNode>> = Vec::new();
        if let Some(a) = &self.shared_buffers {
            let req = a.send(Describe);
            asks.push(Box::pin(async move {
                req.await
                    .unwrap_or_else(|_| tree::silent_node("SharedBuffers"))
            }));
        }
        if let Some(a) = &self.checkpointer {
            let req = a.send(Describe);
            asks.push(Box::pin(async move {
                req.await
                    .unwrap_or_else(|_| tree::silent_node("Checkpointer"))
            }));
        }
        for w in &self.workers {
            match &w.addr {
                Some(a) => {
                    let req = a.send(Describe);
                    asks.push(Box::pin(async move {
                        req.await
                            .unwrap_or_else(|_| tree::silent_node("BackgroundWorker"))
                    }));
                }
                None => {
                    let node = worker::restarting_node(&w.spec, w.restarts);
                    asks.push(Box::pin(async move { node }));
                }
            }
        }
        let ask = futures::future::join_all(asks);
        Box::pin(ask.into_actor(self).map(|nodes, act, _| {
            let mut children = nodes;
            children.extend(backends);
            children.extend(act.extra_children.iter().cloned());
            tree::postmaster_node(
                act.started_at,
                &act.addrs,
                &act.shared,
                act.pool_stats(),
                children,
            )
        }))
    }
}

impl Handler<CountBackends> for Postmaster {
    type Result = MessageResult<CountBackends>;

    fn handle(&mut self, _: CountBackends, _: &mut Context<Self>) -> Self::Result {
        MessageResult((self.shared.procs.len(), self.shared.procs.admitted()))
    }
}
