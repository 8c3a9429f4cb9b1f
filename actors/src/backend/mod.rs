//! The Backend actor: one per client connection.
//!
//! It owns the socket (read side framed by the protocol crate's codec,
//! write side kept here), the session and its local memory. Statement
//! execution runs on an executor thread. A short answer the executor
//! writes to the socket itself and leaves the session in the
//! [`handback::Handback`] slot without waking this actor; the actor takes
//! it back when the client's next message comes. When the actor must see
//! the statement through (a message arrives while it runs, rows stream in
//! batches, the answer did not fit the socket, the session must end), it
//! *collects*: it waits (`ctx.wait`, reading no further message, so a
//! connection's messages stay in order) and forwards result batches to
//! the socket as they come, until the executor's outcome message.
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
//! 2. Events (frames, the socket's end, Terminate) are handled in order,
//!    one at a time, only while no statement runs and no write is in
//!    flight; others wait in `queued`. So the executor, which writes
//!    answers straight to the socket, never writes beside the actor.
//! 3. Bytes from the socket never panic this actor; a bad message is an
//!    ERROR (session goes on) or FATAL (connection ends), as PostgreSQL
//!    decides.
//! 4. A panic while running a statement ends this session only.

mod copy_in;
mod handback;
mod hot;
mod report;
mod sink;
mod startup;

use std::collections::VecDeque;
use std::sync::Arc;

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
use tokio::time::Instant;

use crate::guard::{ChildGuard, ChildId};
use crate::postmaster::{CancelBackend, Postmaster};
use crate::proc_array::{BackendState, Proc};
use crate::shared::Shared;
use handback::Handback;
use hot::{Rehome, SharedReader, Taken};
use sink::{ready_status, Bell, Parked};
use startup::{legacy_error, Accept, StartupReply};

/// Ends the session with FATAL 57P01 (fast shutdown, pg_terminate_backend).
/// Sent by the Postmaster or another backend; no reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Terminate;

/// From another backend's commit: this session has notifications
/// waiting (LISTEN / NOTIFY). No reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct NotifyWake;

/// From the executor: the statement needs the Backend to collect its
/// outcome (see [`handback`]).
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Collect;

/// Something the Backend handles in order.
enum Event {
    /// A message (or a framing error) from the socket.
    Frame(Result<Frame, ProtocolError>),
    /// The socket's read side ended.
    End,
    /// [`Terminate`].
    Terminate,
}

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

/// Extended-protocol messages gathered before they go to an executor
/// even without a Sync or Flush (a client pipelining many).
const MAX_PENDING_MESSAGES: usize = 256;

/// One client connection.
pub struct Backend {
    /// This connection's entry in the backend table.
    proc_: Arc<Proc>,
    /// Server-wide state.
    shared: Arc<Shared>,
    /// The supervisor.
    postmaster: Addr<Postmaster>,
    /// The socket's read side (this actor's stream); empty while an
    /// executor holds the socket.
    reader: SharedReader,
    /// The socket's write side; taken while a write is in flight, and
    /// while an executor holds the socket.
    writer: Option<OwnedWriteHalf>,
    /// An executor holds the socket (see [`hot`]).
    hot: bool,
    /// While it does, the timer checking that the client is still there.
    client_check: Option<SpawnHandle>,
    /// The same socket for the executor, which writes a short query's
    /// whole answer itself (see [`sink::run_simple_query`]).
    direct: Option<Arc<std::net::TcpStream>>,
    /// The executor → Backend channel, kept between queries: the sending
    /// side goes with each statement and comes back with its session.
    tx: Option<mpsc::Sender<sink::Out>>,
    /// Its receiving side; taken while collecting.
    rx: Option<mpsc::Receiver<sink::Out>>,
    /// A statement is out on an executor (its session is there or left
    /// in `handback`).
    running: bool,
    /// Where the executor leaves a finished statement's session.
    handback: Arc<Handback<Parked>>,
    /// Events waiting for the statement or a write to end.
    queued: VecDeque<Event>,
    /// Counts statements, so a timer knows whether its statement still runs.
    statement: u64,
    /// When the running statement times out (statement_timeout).
    deadline: Option<Instant>,
    /// The timer raising that timeout while the actor is not collecting.
    timer: Option<SpawnHandle>,
    /// Messages not written yet.
    out: BytesMut,
    /// Startup or ready.
    phase: Phase,
    /// The session, between statements (on the executor during one).
    session: Option<Session>,
    /// After an error in an extended-protocol message, everything up to
    /// the next Sync is ignored, as in PostgreSQL.
    skip_till_sync: bool,
    /// Copy-in mode: a COPY FROM STDIN runs, and the client's COPY
    /// messages go straight to it (see [`copy_in`]).
    copy_in: Option<copy_in::CopyFeed>,
    /// A task reads the running statement's output while copy-in mode
    /// keeps the socket's messages flowing (no `ctx.wait`).
    watching: bool,
    /// Messages waiting to run as one executor job: extended-protocol
    /// messages up to the Sync or Flush that ends them (a client sends
    /// Parse, Bind, Describe, Execute, Sync in one write and waits only
    /// after the Sync), so a pipeline costs one trip to an executor.
    pending: Vec<FrontendMessage>,
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
            let mut reader = SharedReader::default();
            let writer = match TcpStream::from_std(stream) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    let (r, w) = s.into_split();
                    reader = SharedReader::new(hot::framed(r, PgCodec::new()));
                    ctx.add_stream(reader.clone());
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
                reader,
                writer,
                hot: false,
                client_check: None,
                direct,
                tx: None,
                rx: None,
                running: false,
                handback: Arc::default(),
                queued: VecDeque::new(),
                statement: 0,
                deadline: None,
                timer: None,
                out: BytesMut::new(),
                phase: Phase::Startup,
                session: None,
                skip_till_sync: false,
                copy_in: None,
                watching: false,
                pending: Vec::new(),
            }
        });
    }

    fn send(&mut self, msg: BackendMessage) {
        msg.encode(&mut self.out);
    }

    /// Writes what is buffered; stops the actor afterwards if asked or if
    /// the write fails.
    fn flush(&mut self, ctx: &mut Context<Self>, stop_after: bool) {
        if self.hot && !stop_after {
            // The executor holding the socket writes; this waits for it.
            return;
        }
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
            } else {
                act.pump(ctx);
            }
        }));
    }

    /// Queues `event` and handles what can be handled now.
    fn on_event(&mut self, event: Event, ctx: &mut Context<Self>) {
        if matches!(event, Event::End) && self.running {
            // The client is gone: its statement stops at its next
            // interrupt check instead of running on for nobody.
            self.proc_.interrupts.raise(Interrupt::ClientGone);
        }
        self.queued.push_back(event);
        self.pump(ctx);
    }

    /// Handles queued events in order until one starts a write (whose
    /// end calls this again) or none is left. A running statement with
    /// events waiting is taken back if it is over, or else collected.
    fn pump(&mut self, ctx: &mut Context<Self>) {
        while self.writer.is_some() && ctx.state() == ActorState::Running {
            if self.copy_in.is_some() {
                let Some(event) = self.queued.pop_front() else {
                    return;
                };
                self.copy_event(event, ctx);
                if ctx.waiting() {
                    // Feeding waits for room; its end pumps again.
                    return;
                }
                continue;
            }
            if self.running {
                if self.watching || self.queued.is_empty() || !self.take_back(ctx) {
                    return;
                }
                continue;
            }
            let Some(event) = self.queued.pop_front() else {
                return;
            };
            match event {
                Event::Frame(item) => self.on_frame(item, ctx),
                Event::End => ctx.stop(),
                Event::Terminate => self.fatal(
                    SqlError::fatal(
                        SqlState::ADMIN_SHUTDOWN,
                        "terminating connection due to administrator command",
                    ),
                    ctx,
                ),
            }
        }
    }

    /// An event in copy-in mode: the client's COPY messages feed the
    /// COPY (Flush and Sync are ignored, as PostgreSQL does); CopyDone,
    /// CopyFail or any other message ends the mode, the other message
    /// reported to the COPY as unexpected. The connection's end or a
    /// Terminate ends it too, and is then handled as usual.
    fn copy_event(&mut self, event: Event, ctx: &mut Context<Self>) {
        use copy_in::CopyIn;
        let item = match event {
            Event::Frame(Ok(Frame::Message(m))) => match m {
                FrontendMessage::CopyData(d) => CopyIn::Data(d),
                FrontendMessage::CopyDone => CopyIn::Done,
                FrontendMessage::CopyFail(msg) => CopyIn::Fail(msg),
                FrontendMessage::Flush | FrontendMessage::Sync => return,
                FrontendMessage::Terminate => {
                    self.copy_in = None;
                    self.queued.push_front(Event::End);
                    return;
                }
                other => CopyIn::Unexpected(message_type(&other)),
            },
            Event::Frame(Ok(Frame::Invalid { tag, .. })) => CopyIn::Unexpected(tag),
            other => {
                // The socket ended or failed, or a Terminate: the COPY
                // sees its client gone.
                self.copy_in = None;
                self.queued.push_front(other);
                return;
            }
        };
        let last = !matches!(item, CopyIn::Data(_));
        let Some(feed) = &self.copy_in else {
            return;
        };
        match feed.try_send(item) {
            copy_in::Fed::Sent => {}
            copy_in::Fed::Closed => self.copy_in = None,
            copy_in::Fed::Full(item) => {
                let send = feed.send_later(item);
                ctx.wait(send.into_actor(self).map(move |sent, act, ctx| {
                    if !sent || last {
                        act.copy_in = None;
                    }
                    act.pump(ctx);
                }));
                return;
            }
        }
        if last {
            self.copy_in = None;
        }
    }

    /// Ends the running statement if the executor left it over;
    /// otherwise collects it. True if it was over.
    fn take_back(&mut self, ctx: &mut Context<Self>) -> bool {
        match self.handback.claim() {
            Some(parked) => {
                self.end_statement(Some(parked), ctx);
                true
            }
            None => {
                self.collect(ctx);
                false
            }
        }
    }

    /// The running statement is over: its session is back (or the
    /// connection ends).
    fn end_statement(&mut self, parked: Option<Parked>, ctx: &mut Context<Self>) {
        self.running = false;
        self.deadline = None;
        if let Some(timer) = self.timer.take() {
            ctx.cancel_future(timer);
        }
        match parked {
            Some(Parked {
                session,
                tx,
                skip_till_sync,
            }) => {
                self.session = Some(session);
                self.tx = Some(tx);
                self.skip_till_sync = skip_till_sync;
            }
            None => ctx.stop(),
        }
    }

    /// Waits for the running statement's outcome, forwarding its batches
    /// to the socket.
    fn collect(&mut self, ctx: &mut Context<Self>) {
        let (Some(writer), Some(rx)) = (self.writer.take(), self.rx.take()) else {
            ctx.stop();
            return;
        };
        let forward = forward(writer, rx, self.deadline, self.proc_.interrupts.clone());
        ctx.wait(
            forward
                .into_actor(self)
                .map(|(writer, rx, wrote, outcome), act, ctx| {
                    act.writer = Some(writer);
                    act.rx = Some(rx);
                    act.handback.collected();
                    match outcome {
                        Forwarded::CopyIn(feed) if wrote => {
                            // The statement goes on: the client's data
                            // feeds it while a task waits for its end.
                            act.copy_in = Some(feed);
                            act.watch(ctx);
                        }
                        Forwarded::Done(parked) => {
                            // The executor's on_ready published the idle
                            // state, as on the path that leaves the
                            // session in the slot.
                            act.end_statement(parked.filter(|_| wrote).map(|p| *p), ctx)
                        }
                        Forwarded::CopyIn(_) | Forwarded::Vanished => act.end_statement(None, ctx),
                    }
                    act.pump(ctx);
                }),
        );
    }

    /// In copy-in mode: reads the running statement's output without
    /// holding up the socket's messages, which feed the COPY. A batch is
    /// written and watching goes on; the outcome ends copy-in mode and
    /// the statement.
    fn watch(&mut self, ctx: &mut Context<Self>) {
        let Some(mut rx) = self.rx.take() else {
            ctx.stop();
            return;
        };
        self.watching = true;
        let next = async move {
            let msg = rx.recv().await;
            (rx, msg)
        };
        ctx.spawn(next.into_actor(self).map(|(rx, msg), act, ctx| {
            act.watching = false;
            act.rx = Some(rx);
            let (bytes, outcome) = match msg {
                Some(sink::Out::Batch(b)) => (b, None),
                Some(sink::Out::Done(done)) => {
                    let (last, parked) = *done;
                    (last, Some(parked))
                }
                Some(sink::Out::CopyIn(_)) | None => (bytes::Bytes::new(), Some(None)),
            };
            if outcome.is_some() {
                act.copy_in = None;
                // The executor's last summons is answered: the next
                // statement starts with nobody collecting.
                act.handback.collected();
            }
            let Some(mut writer) = act.writer.take() else {
                ctx.stop();
                return;
            };
            let write = async move {
                let ok = bytes.is_empty() || writer.write_all(&bytes).await.is_ok();
                (writer, ok)
            };
            ctx.wait(write.into_actor(act).map(move |(writer, ok), act, ctx| {
                act.writer = Some(writer);
                match outcome {
                    None if ok => act.watch(ctx),
                    None => act.end_statement(None, ctx),
                    Some(parked) => act.end_statement(parked.filter(|_| ok), ctx),
                }
                act.pump(ctx);
            }));
        }));
    }

    /// Sends an error that ends the connection.
    fn fatal(&mut self, e: SqlError, ctx: &mut Context<Self>) {
        self.send(BackendMessage::ErrorResponse(report::fields(&e)));
        self.flush(ctx, true);
    }

    /// Sends the session's waiting notifications when it waits for a
    /// query outside a transaction (notify.rs rule 3).
    fn deliver_notifications(&mut self, ctx: &mut Context<Self>) {
        if self.running
            || self.phase != Phase::Ready
            || self.copy_in.is_some()
            || self.writer.is_none()
            || !self.queued.is_empty()
        {
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let notes = session.take_notifications();
        if notes.is_empty() {
            return;
        }
        for n in notes {
            self.send(sink::notification(n));
        }
        self.flush(ctx, false);
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
                    self.pending.push(msg);
                    self.run_pending(ctx);
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
            FrontendMessage::Terminate => ctx.stop(),
            FrontendMessage::Flush if self.pending.is_empty() => self.flush(ctx, false),
            // The client waits for an answer after these.
            FrontendMessage::Query(_)
            | FrontendMessage::Sync
            | FrontendMessage::Flush
            | FrontendMessage::FunctionCall { .. } => {
                self.pending.push(msg);
                self.run_pending(ctx);
            }
            FrontendMessage::Parse { .. }
            | FrontendMessage::Bind { .. }
            | FrontendMessage::Describe { .. }
            | FrontendMessage::Execute { .. }
            | FrontendMessage::Close { .. } => {
                self.pending.push(msg);
                if self.pending.len() >= MAX_PENDING_MESSAGES {
                    self.run_pending(ctx);
                }
            }
            // A client that pipelines its data behind the Execute of a
            // COPY: the messages before run first, the data then feeds
            // the COPY (or is ignored if none starts).
            FrontendMessage::CopyData(_)
            | FrontendMessage::CopyDone
            | FrontendMessage::CopyFail(_)
                if !self.pending.is_empty() =>
            {
                self.queued
                    .push_front(Event::Frame(Ok(Frame::Message(msg))));
                self.run_pending(ctx);
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
        if !self.pending.is_empty() {
            // The messages before it run first, then it is handled.
            self.queued
                .push_front(Event::Frame(Ok(Frame::Invalid { tag, error })));
            return self.run_pending(ctx);
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

    /// One frame from the socket, in its turn.
    fn on_frame(&mut self, item: Result<Frame, ProtocolError>, ctx: &mut Context<Self>) {
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

    /// Runs the pending messages on an executor thread, which writes
    /// their answers; the actor goes on without waiting (see
    /// [`handback`]).
    fn run_pending(&mut self, ctx: &mut Context<Self>) {
        let batch = std::mem::take(&mut self.pending);
        let Some(session) = self.session.take() else {
            ctx.stop();
            return;
        };
        let tx = match (self.tx.take(), &self.rx) {
            (Some(tx), Some(_)) => tx,
            _ => {
                let (tx, rx) = mpsc::channel(BATCH_QUEUE);
                self.rx = Some(rx);
                tx
            }
        };
        let pending = self.out.split().freeze();
        let interrupts = self.proc_.interrupts.clone();
        interrupts.clear();
        self.proc_
            .set_state(BackendState::Active, batch_text(&batch));
        self.running = true;
        self.statement += 1;
        let timeout = session.statement_timeout();
        self.deadline = timeout.map(|t| Instant::now() + t);
        if let Some(timeout) = timeout {
            let statement = self.statement;
            self.timer = Some(ctx.run_later(timeout, move |act, _| {
                if act.running && act.statement == statement && !act.handback.is_left() {
                    act.proc_.interrupts.raise(Interrupt::Timeout);
                }
            }));
        }
        let proc_ = Arc::clone(&self.proc_);
        let hot = if timeout.is_none() {
            self.go_hot(ctx)
        } else {
            None
        };
        let bell = Bell {
            handback: Arc::clone(&self.handback),
            addr: ctx.address(),
        };
        let output = sink::Output {
            tx,
            pending,
            direct: if hot.is_some() {
                None
            } else {
                self.direct.clone()
            },
            hot,
            bell: bell.clone(),
        };
        self.shared.pool.spawn(Box::new(move || {
            // The settings' version application_name was last read at.
            let mut seen = 0;
            let mut hooks = sink::Hooks {
                on_ready: |session: &Session| {
                    {
                        let mut st = proc_.status.lock();
                        if session.settings().version() != seen {
                            seen = session.settings().version();
                            st.application_name = session.settings().str("application_name");
                        }
                        st.xact_start = session.transaction_start();
                    }
                    proc_.set_state(idle_state(session.transaction_status()), None);
                },
                on_statement: |sql: &str| proc_.set_state(BackendState::Active, Some(sql)),
            };
            let (mut session, mut batch, mut output) = (session, batch, output);
            // On a hot socket, batch after batch until the socket goes back.
            while let Some((parked, mut socket)) =
                sink::run_batch(session, batch, interrupts.clone(), output, &mut hooks)
            {
                let next = if parked.skip_till_sync || parked.session.statement_timeout().is_some()
                {
                    // The Backend skips to Sync or times statements.
                    hot::Next::Release(Vec::new(), false)
                } else {
                    socket.next_batch(&interrupts)
                };
                match next {
                    hot::Next::Batch(next) => {
                        interrupts.clear();
                        proc_.set_state(BackendState::Active, batch_text(&next));
                        output = sink::Output {
                            tx: parked.tx.clone(),
                            pending: bytes::Bytes::new(),
                            direct: None,
                            hot: Some(socket),
                            bell: bell.clone(),
                        };
                        session = parked.session;
                        batch = next;
                    }
                    hot::Next::Release(frames, ended) => {
                        bell.addr.do_send(Rehome {
                            socket,
                            frames,
                            ended,
                            parked: Some(parked),
                        });
                        return;
                    }
                }
            }
        }));
    }

    /// Hands the socket to the executor about to run a batch, when
    /// nothing else waits for this actor: the executor then answers and
    /// runs the client's next batches itself (see [`hot`]).
    fn go_hot(&mut self, ctx: &mut Context<Self>) -> Option<hot::HotSocket> {
        if !self.queued.is_empty() || self.copy_in.is_some() || self.watching {
            return None;
        }
        let writer = self.writer.take()?;
        match self.reader.take(writer) {
            Taken::Hot(socket) => {
                self.hot = true;
                let held = socket.holder();
                self.client_check = Some(ctx.run_interval(hot::CLIENT_CHECK, move |act, ctx| {
                    if !act.hot {
                        return;
                    }
                    if held.strong_count() == 0 {
                        // Neither with the executor nor on its way back.
                        tracing::error!(
                            pid = act.proc_.pid,
                            "a client socket held by an executor was lost; ending the session"
                        );
                        ctx.stop();
                        return;
                    }
                    if act.direct.as_deref().is_some_and(hot::client_gone) {
                        act.proc_.interrupts.raise(Interrupt::ClientGone);
                    }
                }));
                Some(socket)
            }
            Taken::Kept(writer) => {
                self.writer = Some(writer);
                None
            }
            Taken::Lost => {
                ctx.stop();
                None
            }
        }
    }
}

/// The text pg_stat_activity shows for a batch: its first statement's.
fn batch_text(batch: &[FrontendMessage]) -> Option<&str> {
    batch.iter().find_map(|m| match m {
        FrontendMessage::Query(sql) | FrontendMessage::Parse { query: sql, .. } => {
            Some(sql.as_str())
        }
        _ => None,
    })
}

/// The pg_stat_activity state of a backend waiting for its next query.
fn idle_state(status: TxStatus) -> BackendState {
    match status {
        TxStatus::Idle => BackendState::Idle,
        TxStatus::InBlock => BackendState::IdleInTransaction,
        TxStatus::Failed => BackendState::IdleInTransactionAborted,
    }
}

/// How forwarding a statement's output ended.
enum Forwarded {
    /// The statement ended: its session (None if it must end).
    Done(Option<Box<Parked>>),
    /// The job vanished without an outcome.
    Vanished,
    /// COPY FROM STDIN started: feed it the client's data.
    CopyIn(copy_in::CopyFeed),
}

/// The type byte of a frontend message (for "unexpected message type").
fn message_type(m: &FrontendMessage) -> u8 {
    match m {
        FrontendMessage::Query(_) => b'Q',
        FrontendMessage::Parse { .. } => b'P',
        FrontendMessage::Bind { .. } => b'B',
        FrontendMessage::Describe { .. } => b'D',
        FrontendMessage::Execute { .. } => b'E',
        FrontendMessage::Close { .. } => b'C',
        FrontendMessage::Sync => b'S',
        FrontendMessage::Flush => b'H',
        FrontendMessage::CopyData(_) => b'd',
        FrontendMessage::CopyDone => b'c',
        FrontendMessage::CopyFail(_) => b'f',
        FrontendMessage::FunctionCall { .. } => b'F',
        FrontendMessage::AuthResponse(_) => b'p',
        FrontendMessage::Terminate => b'X',
    }
}

/// Copies result batches to the socket until the job ends (or a COPY
/// FROM STDIN starts), raising the timeout interrupt at `deadline`
/// (statement_timeout). Returns the writer, the channel's receiving
/// side, whether every write succeeded, and how it ended.
async fn forward(
    mut writer: OwnedWriteHalf,
    mut rx: mpsc::Receiver<sink::Out>,
    deadline: Option<Instant>,
    interrupts: actorgres_memory::Interrupts,
) -> (OwnedWriteHalf, mpsc::Receiver<sink::Out>, bool, Forwarded) {
    let mut ok = true;
    let mut armed = deadline.is_some();
    let sleep = tokio::time::sleep_until(
        deadline.unwrap_or_else(|| Instant::now() + std::time::Duration::from_secs(86_400)),
    );
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
                    return (writer, rx, ok, Forwarded::Done(outcome.map(Box::new)));
                }
                Some(sink::Out::CopyIn(feed)) => return (writer, rx, ok, Forwarded::CopyIn(feed)),
                None => return (writer, rx, ok, Forwarded::Vanished),
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
        self.on_event(Event::Frame(item), ctx);
    }

    fn finished(&mut self, ctx: &mut Context<Self>) {
        self.on_event(Event::End, ctx);
    }
}

impl Handler<Terminate> for Backend {
    type Result = ();

    fn handle(&mut self, _: Terminate, ctx: &mut Context<Self>) {
        self.on_event(Event::Terminate, ctx);
    }
}

impl Handler<NotifyWake> for Backend {
    type Result = ();

    fn handle(&mut self, _: NotifyWake, ctx: &mut Context<Self>) {
        // A statement that is over is taken back first; one still
        // running sends them before its ReadyForQuery.
        if self.running && !self.watching && self.writer.is_some() && self.take_back(ctx) {
            self.pump(ctx);
        }
        self.deliver_notifications(ctx);
    }
}

impl Handler<Rehome> for Backend {
    type Result = ();

    fn handle(&mut self, msg: Rehome, ctx: &mut Context<Self>) {
        self.hot = false;
        if let Some(check) = self.client_check.take() {
            ctx.cancel_future(check);
        }
        let Some((writer, read)) = self.reader.rehome(msg.socket) else {
            ctx.stop();
            return;
        };
        self.writer = Some(writer);
        self.queued
            .extend(msg.frames.into_iter().chain(read).map(Event::Frame));
        if msg.ended {
            self.queued.push_back(Event::End);
        }
        if let Some(parked) = msg.parked {
            self.end_statement(Some(parked), ctx);
        }
        self.pump(ctx);
        self.deliver_notifications(ctx);
    }
}

impl Handler<Collect> for Backend {
    type Result = ();

    fn handle(&mut self, _: Collect, ctx: &mut Context<Self>) {
        // A late summons may find the statement over, or already
        // collected (no writer then: collect() has it), or watched.
        if self.running && !self.watching && self.writer.is_some() && self.take_back(ctx) {
            self.pump(ctx);
        }
    }
}
