//! The Backend actor: one per client connection.
//!
//! It owns the socket (read side framed by the protocol crate's codec,
//! write side kept here), the session and its local memory. Statement
//! execution runs on an executor thread; meanwhile the actor waits
//! (`ctx.wait`) without reading the next message, so a connection's
//! messages stay in order, and forwards result batches to the socket as
//! they come.
//!
//! ```text
//!  startup ──SSLRequest──► 'N' ──StartupMessage──► AuthenticationOk,
//!  ParameterStatus×13, BackendKeyData, ReadyForQuery ──► ready
//!  ready ──Query──► [executor: rows…] ──► ReadyForQuery ──► ready
//!  any ──Terminate / EOF / FATAL──► stopped (guard tells the Postmaster)
//! ```
//!
//! Rules:
//! 1. The writer is present whenever a handler runs: every write happens
//!    inside `ctx.wait`, which gives it back before the next event.
//! 2. Bytes from the socket never panic this actor; a bad message is an
//!    ERROR (session goes on) or FATAL (connection ends), as PostgreSQL
//!    decides.
//! 3. A panic while running a statement ends this session only.

mod report;
mod sink;
mod startup;

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use actix::ArbiterHandle;
use actorgres_memory::Interrupt;
use actorgres_protocol::{
    BackendMessage, Frame, FrontendMessage, PgCodec, ProtocolError, StartupPacket,
    TransactionStatus,
};
use actorgres_sql::{Host, Session, SessionInfo, SqlError, SqlState, TxStatus};
use bytes::{BufMut, BytesMut};
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;

use crate::guard::{ChildGuard, ChildId};
use crate::postmaster::{CancelBackend, Postmaster};
use crate::proc_array::{BackendState, Proc};
use crate::shared::Shared;
use sink::{ready_status, JobOutcome};
use startup::{legacy_error, Accept, StartupReply};

/// Ends the session with FATAL 57P01 (fast shutdown, pg_terminate_backend).
/// Sent by the Postmaster or another backend; no reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Terminate;

/// Where the connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading startup packets.
    Startup,
    /// Serving queries.
    Ready,
}

/// Batches in flight between the executor and the socket.
const BATCH_QUEUE: usize = 4;

/// One client connection.
pub struct Backend {
    /// This connection's entry in the backend table.
    proc_: Arc<Proc>,
    /// Server-wide state.
    shared: Arc<Shared>,
    /// The supervisor.
    postmaster: Addr<Postmaster>,
    /// The socket's write side; taken while a write is in flight.
    writer: Option<OwnedWriteHalf>,
    /// The same socket for the executor, which writes a short query's
    /// whole answer itself (see [`sink::run_simple_query`]).
    direct: Option<Arc<std::net::TcpStream>>,
    /// The executor → Backend channel, kept between queries.
    channel: Option<(mpsc::Sender<sink::Out>, mpsc::Receiver<sink::Out>)>,
    /// Messages not written yet.
    out: BytesMut,
    /// Startup or ready.
    phase: Phase,
    /// The session, between statements (on the executor during one).
    session: Option<Session>,
    /// After an error in an extended-protocol message, everything up to
    /// the next Sync is ignored, as in PostgreSQL.
    skip_till_sync: bool,
    /// Tells the Postmaster when this actor ends.
    _guard: ChildGuard,
}

impl Backend {
    /// Starts a backend for `stream` on `arbiter`.
    pub fn spawn(
        stream: std::net::TcpStream,
        proc_: Arc<Proc>,
        shared: Arc<Shared>,
        postmaster: Addr<Postmaster>,
        arbiter: &ArbiterHandle,
    ) {
        // A second handle on the (non-blocking) socket, for executors.
        let direct = stream.try_clone().ok().map(Arc::new);
        Backend::start_in_arbiter(arbiter, move |ctx| {
            let slot = proc_.slot;
            let writer = match TcpStream::from_std(stream) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    let (r, w) = s.into_split();
                    ctx.add_stream(FramedRead::new(r, PgCodec::new()));
                    Some(w)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not register a client socket");
                    None
                }
            };
            Backend {
                proc_,
                _guard: ChildGuard::new(postmaster.clone(), ChildId::Backend(slot)),
                shared,
                postmaster,
                writer,
                direct,
                channel: None,
                out: BytesMut::new(),
                phase: Phase::Startup,
                session: None,
                skip_till_sync: false,
            }
        });
    }

    fn send(&mut self, msg: BackendMessage) {
        msg.encode(&mut self.out);
    }

    /// Writes what is buffered; stops the actor afterwards if asked or if
    /// the write fails.
    fn flush(&mut self, ctx: &mut Context<Self>, stop_after: bool) {
        if self.out.is_empty() {
            if stop_after {
                ctx.stop();
            }
            return;
        }
        let Some(mut writer) = self.writer.take() else {
            ctx.stop();
            return;
        };
        let buf = self.out.split().freeze();
        let write = async move {
            let ok = writer.write_all(&buf).await.is_ok();
            (writer, ok)
        };
        ctx.wait(write.into_actor(self).map(move |(writer, ok), act, ctx| {
            act.writer = Some(writer);
            if !ok || stop_after {
                ctx.stop();
            }
        }));
    }

    /// Sends an error that ends the connection.
    fn fatal(&mut self, e: SqlError, ctx: &mut Context<Self>) {
        self.send(BackendMessage::ErrorResponse(report::fields(&e)));
        self.flush(ctx, true);
    }

    fn ready_for_query(&mut self) {
        let status = self.session.as_ref().map_or(TransactionStatus::Idle, |s| {
            ready_status(s.transaction_status())
        });
        self.send(BackendMessage::ReadyForQuery(status));
    }

    fn on_startup(&mut self, packet: StartupPacket, ctx: &mut Context<Self>) {
        match startup::decide(packet) {
            StartupReply::Decline => {
                self.out.put_u8(b'N');
                self.flush(ctx, false);
            }
            StartupReply::Cancel { pid, key } => {
                self.postmaster.do_send(CancelBackend { pid, key });
                ctx.stop();
            }
            StartupReply::LegacyFatal(msg) => {
                self.out.extend_from_slice(&legacy_error(&msg));
                self.flush(ctx, true);
            }
            StartupReply::Fatal(e) => self.fatal(e, ctx),
            StartupReply::Accept(a) => self.accept(*a, ctx),
        }
    }

    /// Admission, authentication (trust) and session start.
    fn accept(&mut self, a: Accept, ctx: &mut Context<Self>) {
        if let Some(n) = a.negotiate {
            self.send(n);
        }
        if self.shared.shutdown().is_some() {
            self.proc_.set_state(BackendState::Rejecting, None);
            return self.fatal(
                SqlError::fatal(
                    SqlState::CANNOT_CONNECT_NOW,
                    "the database system is shutting down",
                ),
                ctx,
            );
        }
        if self
            .shared
            .procs
            .admit(&self.proc_, self.shared.max_connections)
            .is_err()
        {
            self.proc_.set_state(BackendState::Rejecting, None);
            return self.fatal(
                SqlError::fatal(
                    SqlState::TOO_MANY_CONNECTIONS,
                    "sorry, too many clients already",
                ),
                ctx,
            );
        }
        self.send(BackendMessage::AuthenticationOk);
        let info = SessionInfo {
            pid: self.proc_.pid,
            user: a.user.clone(),
            database: a.database.clone(),
        };
        let host: Arc<dyn Host> = Arc::new(self.shared.procs.clone());
        let session = match Session::new(
            info,
            host,
            Arc::clone(&self.shared.cluster),
            self.proc_.interrupts.clone(),
            &self.shared.settings,
            &a.params,
        ) {
            Ok(s) => s,
            Err(e) => return self.fatal(e, ctx),
        };
        for (name, value) in session.settings().reported() {
            self.send(BackendMessage::ParameterStatus { name, value });
        }
        self.send(BackendMessage::BackendKeyData {
            pid: self.proc_.pid,
            key: self.proc_.key,
        });
        {
            let mut st = self.proc_.status.lock();
            st.user = a.user;
            st.database = a.database;
            st.application_name = session.settings().str("application_name");
            st.memory = Some(session.memory().clone());
        }
        self.proc_.set_state(BackendState::Idle, None);
        self.session = Some(session);
        self.phase = Phase::Ready;
        self.ready_for_query();
        tracing::debug!(pid = self.proc_.pid, peer = %self.proc_.peer, "connection authorized");
        self.flush(ctx, false);
    }

    fn on_message(&mut self, msg: FrontendMessage, ctx: &mut Context<Self>) {
        if self.skip_till_sync {
            match msg {
                FrontendMessage::Sync => {
                    self.skip_till_sync = false;
                    self.ready_for_query();
                    self.flush(ctx, false);
                }
                FrontendMessage::Terminate => ctx.stop(),
                _ => {}
            }
            return;
        }
        match msg {
            #[cfg(test)]
            FrontendMessage::Query(sql) if sql.contains("/* test: panic in the actor */") => {
                panic!("test panic in a Backend handler")
            }
            FrontendMessage::Query(sql) => self.run_query(sql, ctx),
            FrontendMessage::Terminate => ctx.stop(),
            FrontendMessage::Sync => {
                self.ready_for_query();
                self.flush(ctx, false);
            }
            FrontendMessage::Flush => self.flush(ctx, false),
            FrontendMessage::Parse { .. }
            | FrontendMessage::Bind { .. }
            | FrontendMessage::Describe { .. }
            | FrontendMessage::Execute { .. }
            | FrontendMessage::Close { .. } => {
                let e = SqlError::unsupported("the extended query protocol");
                self.send(BackendMessage::ErrorResponse(report::fields(&e)));
                self.skip_till_sync = true;
                self.flush(ctx, false);
            }
            FrontendMessage::FunctionCall { .. } => {
                let e = SqlError::unsupported("the fast-path function call interface");
                self.send(BackendMessage::ErrorResponse(report::fields(&e)));
                self.ready_for_query();
                self.flush(ctx, false);
            }
            // Outside COPY these are ignored, per the protocol.
            FrontendMessage::CopyData(_)
            | FrontendMessage::CopyDone
            | FrontendMessage::CopyFail(_) => {}
            FrontendMessage::AuthResponse(_) => self.fatal(
                SqlError::fatal(
                    SqlState::PROTOCOL_VIOLATION,
                    "invalid frontend message type 112",
                ),
                ctx,
            ),
        }
    }

    /// A framed message with a bad body: ERROR, then as after any error in
    /// that kind of message.
    fn on_invalid(&mut self, tag: u8, error: ProtocolError, ctx: &mut Context<Self>) {
        if self.skip_till_sync {
            return;
        }
        let e = SqlError::new(error.sqlstate(), error.to_string());
        self.send(BackendMessage::ErrorResponse(report::fields(&e)));
        if matches!(tag, b'P' | b'B' | b'D' | b'E' | b'C') {
            self.skip_till_sync = true;
        } else {
            self.ready_for_query();
        }
        self.flush(ctx, false);
    }

    /// Runs a simple Query on an executor thread, streaming its results.
    fn run_query(&mut self, sql: String, ctx: &mut Context<Self>) {
        let (Some(session), Some(writer)) = (self.session.take(), self.writer.take()) else {
            ctx.stop();
            return;
        };
        let pending = self.out.split().freeze();
        let interrupts = self.proc_.interrupts.clone();
        interrupts.clear();
        self.proc_.set_state(BackendState::Active, Some(&sql));
        let timeout = session.statement_timeout();
        let (tx, rx) = self
            .channel
            .take()
            .unwrap_or_else(|| mpsc::channel(BATCH_QUEUE));
        let job_interrupts = interrupts.clone();
        let proc_ = Arc::clone(&self.proc_);
        let direct = self.direct.clone();
        self.shared.pool.spawn(Box::new(move || {
            let on_ready = |session: &Session| {
                {
                    let mut st = proc_.status.lock();
                    st.application_name = session.settings().str("application_name");
                    st.xact_start = session.transaction_start();
                }
                proc_.set_state(idle_state(session.transaction_status()), None);
            };
            let out = sink::Output {
                tx,
                pending,
                direct,
            };
            sink::run_simple_query(session, sql, job_interrupts, out, on_ready);
        }));
        let forward = forward(writer, rx, timeout, interrupts);
        ctx.wait(
            forward
                .into_actor(self)
                .map(|(writer, rx, wrote, outcome), act, ctx| {
                    act.writer = Some(writer);
                    match outcome {
                        Some(JobOutcome {
                            session: Some(session),
                            tx,
                        }) if wrote => {
                            // on_ready published the state already; keep it
                            // (idle in transaction stays so).
                            act.proc_
                                .set_state(idle_state(session.transaction_status()), None);
                            act.session = Some(session);
                            act.channel = tx.map(|tx| (tx, rx));
                        }
                        _ => ctx.stop(),
                    }
                }),
        );
    }
}

/// The pg_stat_activity state of a backend waiting for its next query.
fn idle_state(status: TxStatus) -> BackendState {
    match status {
        TxStatus::Idle => BackendState::Idle,
        TxStatus::InBlock => BackendState::IdleInTransaction,
        TxStatus::Failed => BackendState::IdleInTransactionAborted,
    }
}

/// Copies result batches to the socket until the job ends, raising the
/// timeout interrupt when statement_timeout passes. Returns the writer,
/// the channel's receiving side, whether every write succeeded, and the
/// job's outcome (None if the job vanished without one).
async fn forward(
    mut writer: OwnedWriteHalf,
    mut rx: mpsc::Receiver<sink::Out>,
    timeout: Option<Duration>,
    interrupts: actorgres_memory::Interrupts,
) -> (
    OwnedWriteHalf,
    mpsc::Receiver<sink::Out>,
    bool,
    Option<JobOutcome>,
) {
    let mut ok = true;
    let mut armed = timeout.is_some();
    let sleep = tokio::time::sleep(timeout.unwrap_or(Duration::from_secs(86_400)));
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(sink::Out::Batch(b)) => {
                    if ok && writer.write_all(&b).await.is_err() {
                        ok = false;
                        // The executor's next send fails and the job ends.
                        rx.close();
                    }
                }
                Some(sink::Out::Done(done)) => {
                    let (last, outcome) = *done;
                    if ok && !last.is_empty() && writer.write_all(&last).await.is_err() {
                        ok = false;
                    }
                    return (writer, rx, ok, Some(outcome));
                }
                None => return (writer, rx, ok, None),
            },
            () = &mut sleep, if armed => {
                armed = false;
                interrupts.raise(Interrupt::Timeout);
            }
        }
    }
}

impl Actor for Backend {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.proc_.set_addr(ctx.address());
        if self.writer.is_none() {
            ctx.stop();
            return;
        }
        // authentication_timeout: a client that does not finish startup
        // in time is dropped (PostgreSQL sends nothing either).
        ctx.run_later(self.shared.auth_timeout, |act, ctx| {
            if act.phase == Phase::Startup {
                tracing::info!(peer = %act.proc_.peer, "closing connection: startup not completed within authentication_timeout");
                ctx.stop();
            }
        });
    }
}

impl StreamHandler<Result<Frame, ProtocolError>> for Backend {
    fn handle(&mut self, item: Result<Frame, ProtocolError>, ctx: &mut Context<Self>) {
        match item {
            Ok(Frame::Startup(packet)) => self.on_startup(packet, ctx),
            Ok(Frame::Message(msg)) if self.phase == Phase::Ready => self.on_message(msg, ctx),
            Ok(Frame::Message(_)) => ctx.stop(),
            Ok(Frame::Invalid { tag, error }) => self.on_invalid(tag, error, ctx),
            Err(ProtocolError::Io(_) | ProtocolError::UnexpectedEof) => {
                tracing::debug!(pid = self.proc_.pid, "client connection ended abruptly");
                ctx.stop();
            }
            Err(e) => {
                tracing::info!(pid = self.proc_.pid, peer = %self.proc_.peer, error = %e, "closing connection after a protocol violation");
                self.fatal(SqlError::fatal(e.sqlstate(), e.to_string()), ctx);
            }
        }
    }
}

impl Handler<Terminate> for Backend {
    type Result = ();

    fn handle(&mut self, _: Terminate, ctx: &mut Context<Self>) {
        self.fatal(
            SqlError::fatal(
                SqlState::ADMIN_SHUTDOWN,
                "terminating connection due to administrator command",
            ),
            ctx,
        );
    }
}
