//! Running one query on an executor thread and streaming its results.
//!
//! [`WireSink`] encodes results as protocol messages into a buffer and
//! hands full batches to the Backend's writer through a bounded channel:
//! rows reach the client while the statement still runs, and a slow
//! client slows the statement down instead of filling memory.

use std::io::Write;
use std::net::TcpStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use actorgres_memory::Interrupts;
use actorgres_protocol::{
    write_data_row, BackendMessage, FieldDescription, FrontendMessage, TargetKind,
    TransactionStatus,
};
use actorgres_sql::value::{binary, OutputStyle, Value};
use actorgres_sql::{
    CopyChannel, DataType, NoticeFilter, OutputColumn, ResultSink, Session, SqlError, SqlState,
    TxStatus,
};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio::sync::mpsc;

use super::copy_in::{self, CopyFeed, CopyIn, CopyInbox};
use super::handback::Handback;
use super::hot::{HotSocket, Rehome};
use super::{report, Backend, Collect};
use actix::Addr;

/// Bytes gathered before a batch is sent to the writer.
const BATCH_BYTES: usize = 32 * 1024;

/// The buffer a query starts with (it grows to a batch if needed; most
/// answers are a few hundred bytes).
const INITIAL_BYTES: usize = 1024;

/// What the executor sends the Backend while a query runs.
pub enum Out {
    /// A batch of messages to write.
    Batch(Bytes),
    /// The last messages and the session (None if it must end, after a
    /// FATAL error or a panic): one message, so the Backend wakes once.
    Done(Box<(Bytes, Option<Parked>)>),
    /// COPY FROM STDIN started (its CopyInResponse went ahead): the
    /// Backend feeds the client's COPY messages here until they end.
    CopyIn(CopyFeed),
}

/// What goes back to the Backend after a statement.
pub struct Parked {
    /// The session.
    pub session: Session,
    /// The channel's sending side, for the next statement.
    pub tx: mpsc::Sender<Out>,
    /// The batch ended in an extended-protocol error: skip to Sync.
    pub skip_till_sync: bool,
}

/// How the executor gets its Backend's attention: the first time in a
/// statement it sends through the channel, the Backend (which does not
/// read the channel unless told) is told to collect.
#[derive(Clone)]
pub struct Bell {
    /// Where a finished statement's session is left.
    pub handback: Arc<Handback<Parked>>,
    /// The Backend.
    pub addr: Addr<Backend>,
}

impl Bell {
    /// Makes sure the Backend reads the channel until the outcome.
    fn ring(&self) {
        if self.handback.summon() {
            self.addr.do_send(Collect);
        }
    }

    /// Gives a hot socket back to the Backend while the statement goes
    /// on (its outcome then comes as if the Backend had kept the socket).
    fn release(&self, socket: HotSocket) {
        self.addr.do_send(Rehome {
            socket,
            frames: Vec::new(),
            ended: false,
            parked: None,
        });
    }
}

/// Where a query's answer goes.
pub struct Output {
    /// Batches to the Backend's writer.
    pub tx: mpsc::Sender<Out>,
    /// Messages the Backend had buffered before the query: they go first.
    pub pending: Bytes,
    /// The client socket (non-blocking), if the Backend could share it.
    pub direct: Option<Arc<TcpStream>>,
    /// The socket itself, when the Backend handed it over (see
    /// [`super::hot`]): answers go straight to it.
    pub hot: Option<HotSocket>,
    /// The Backend's attention.
    pub bell: Bell,
}

/// Encodes results for the wire and streams them in batches.
pub struct WireSink {
    /// Messages not sent yet.
    buf: BytesMut,
    /// To the Backend's writer.
    tx: mpsc::Sender<Out>,
    /// A batch went to the writer.
    sent: bool,
    /// Rung before the first batch.
    bell: Bell,
    /// Scratch for one value's text.
    text: String,
    /// Running a portal (Execute): RowDescription was Describe's to send,
    /// and columns go out in `formats`.
    portal: bool,
    /// The format of each result column while a portal runs (0 text,
    /// 1 binary).
    formats: Vec<i16>,
    /// The type of each result column (from the last RowDescription).
    types: Vec<DataType>,
    /// A running COPY FROM STDIN's data from the Backend.
    copy_in: Option<CopyInbox>,
    /// A COPY FROM STDIN ran in the current message.
    copied_in: bool,
    /// This backend's interrupts (checked while COPY waits for data).
    interrupts: Interrupts,
    /// The notices the client wants (client_min_messages).
    notices: NoticeFilter,
    /// The hot socket, while this executor holds it.
    hot: Option<HotSocket>,
}

impl WireSink {
    /// A sink sending batches to `tx`, after `pending`.
    pub fn new(
        tx: mpsc::Sender<Out>,
        pending: &[u8],
        bell: Bell,
        interrupts: Interrupts,
        notices: NoticeFilter,
        hot: Option<HotSocket>,
    ) -> Self {
        let mut buf = BytesMut::with_capacity(INITIAL_BYTES.max(pending.len()));
        buf.extend_from_slice(pending);
        WireSink {
            buf,
            tx,
            sent: false,
            bell,
            text: String::new(),
            portal: false,
            formats: Vec::new(),
            types: Vec::new(),
            copy_in: None,
            copied_in: false,
            interrupts,
            notices,
            hot,
        }
    }

    /// Gives the hot socket back to the Backend, which then handles the
    /// socket for the rest of the statement.
    fn release(&mut self) {
        if let Some(socket) = self.hot.take() {
            self.bell.release(socket);
        }
    }

    /// A statement is over: a COPY FROM STDIN it left reads no more (the
    /// Backend drops the rest of the client's COPY messages).
    /// Says whether a COPY FROM STDIN ran in it.
    pub fn end_copy_in(&mut self) -> bool {
        self.copy_in = None;
        std::mem::take(&mut self.copied_in)
    }

    /// Runs a portal next: no RowDescription, columns in `formats`.
    pub fn start_portal(&mut self, formats: &[i16]) {
        self.portal = true;
        self.formats.clear();
        self.formats.extend_from_slice(formats);
    }

    /// The portal's Execute is over.
    pub fn end_portal(&mut self) {
        self.portal = false;
        self.formats.clear();
    }

    /// Appends one message.
    pub fn push(&mut self, msg: &BackendMessage) {
        msg.encode(&mut self.buf);
    }

    /// Sends what is buffered; fails when the client is gone.
    pub fn flush(&mut self) -> actorgres_sql::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut batch = self.buf.split().freeze();
        if let Some(hot) = &mut self.hot {
            if hot.write(&mut batch) {
                return Ok(());
            }
            // A slow client: the Backend's writer waits for it.
            self.release();
        }
        if !self.sent {
            self.bell.ring();
            self.sent = true;
        }
        self.tx
            .blocking_send(Out::Batch(batch))
            .map_err(|_| SqlError::fatal(SqlState::CONNECTION_FAILURE, "connection to client lost"))
    }

    fn maybe_flush(&mut self) -> actorgres_sql::Result<()> {
        if self.buf.len() >= BATCH_BYTES {
            self.flush()
        } else {
            Ok(())
        }
    }
}

/// A RowDescription of `columns`, column i in `formats[i]` (text if
/// missing).
pub fn row_description(columns: &[OutputColumn], formats: &[i16]) -> BackendMessage {
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, c)| FieldDescription {
            name: c.name.clone(),
            table_oid: c.table_oid,
            column_id: c.attnum,
            type_oid: c.ty.oid().0,
            type_size: c.ty.typlen(),
            type_modifier: c.typmod,
            format: formats.get(i).copied().unwrap_or(0),
        })
        .collect();
    BackendMessage::RowDescription(fields)
}

impl ResultSink for WireSink {
    fn row_description(&mut self, columns: &[OutputColumn]) -> actorgres_sql::Result<()> {
        self.row_description_formats(columns, &[])
    }

    fn row_description_formats(
        &mut self,
        columns: &[OutputColumn],
        formats: &[i16],
    ) -> actorgres_sql::Result<()> {
        self.types.clear();
        self.types.extend(columns.iter().map(|c| c.ty));
        if !self.portal {
            // A simple-protocol result: text unless a BINARY cursor's
            // FETCH asks for binary (a portal keeps its Bind formats).
            self.formats.clear();
            self.formats.extend_from_slice(formats);
            self.push(&row_description(columns, formats));
        }
        Ok(())
    }

    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> actorgres_sql::Result<()> {
        if self.formats.contains(&1) {
            return self.binary_row(row, style);
        }
        let text = &mut self.text;
        write_data_row(&mut self.buf, row.len(), |i, out| {
            match &row[i] {
                Value::Null => return false,
                // Text is its own text form: no copy through `text`.
                Value::Text(s) => out.put_slice(s.as_bytes()),
                v => {
                    text.clear();
                    v.write_text(style, text);
                    out.put_slice(text.as_bytes());
                }
            }
            true
        });
        self.maybe_flush()
    }

    fn command_complete(&mut self, tag: &str) -> actorgres_sql::Result<()> {
        self.push(&BackendMessage::CommandComplete(tag.to_owned()));
        self.maybe_flush()
    }

    fn empty_query(&mut self) -> actorgres_sql::Result<()> {
        self.push(&BackendMessage::EmptyQueryResponse);
        Ok(())
    }

    fn notice(&mut self, notice: &SqlError) -> actorgres_sql::Result<()> {
        if !self.notices.wants(notice.report().level) {
            return Ok(());
        }
        self.push(&BackendMessage::NoticeResponse(report::fields(notice)));
        Ok(())
    }

    fn portal_suspended(&mut self) -> actorgres_sql::Result<()> {
        self.push(&BackendMessage::PortalSuspended);
        self.maybe_flush()
    }

    fn copy(&mut self) -> Option<&mut dyn CopyChannel> {
        Some(self)
    }
}

impl CopyChannel for WireSink {
    fn copy_out_start(&mut self, binary: bool, columns: usize) -> actorgres_sql::Result<()> {
        let format = i16::from(binary);
        self.push(&BackendMessage::CopyOutResponse {
            format: format as i8,
            column_formats: vec![format; columns],
        });
        Ok(())
    }

    fn copy_out_data(&mut self, data: &[u8]) -> actorgres_sql::Result<()> {
        self.buf.put_u8(b'd');
        self.buf.put_i32(4 + data.len() as i32);
        self.buf.put_slice(data);
        self.maybe_flush()
    }

    fn copy_out_done(&mut self) -> actorgres_sql::Result<()> {
        self.push(&BackendMessage::CopyDone);
        Ok(())
    }

    fn copy_in_start(&mut self, binary: bool, columns: usize) -> actorgres_sql::Result<()> {
        let format = i16::from(binary);
        self.push(&BackendMessage::CopyInResponse {
            format: format as i8,
            column_formats: vec![format; columns],
        });
        // The client waits for CopyInResponse before it sends data, which
        // the Backend reads and feeds.
        self.release();
        self.flush()?;
        let (feed, inbox) = copy_in::channel();
        self.tx.blocking_send(Out::CopyIn(feed)).map_err(|_| {
            SqlError::fatal(SqlState::CONNECTION_FAILURE, "connection to client lost")
        })?;
        self.copy_in = Some(inbox);
        self.copied_in = true;
        Ok(())
    }

    fn copy_in_read(&mut self) -> actorgres_sql::Result<Option<Bytes>> {
        let Some(inbox) = &self.copy_in else {
            return Ok(None);
        };
        let item = inbox.recv(&self.interrupts);
        let ended = !matches!(item, Ok(CopyIn::Data(_)));
        if ended {
            self.copy_in = None;
        }
        match item? {
            CopyIn::Data(d) => Ok(Some(d)),
            CopyIn::Done => Ok(None),
            CopyIn::Fail(m) => Err(SqlError::new(
                SqlState::QUERY_CANCELED,
                format!("COPY from stdin failed: {m}"),
            )),
            CopyIn::Unexpected(tag) => Err(SqlError::new(
                SqlState::PROTOCOL_VIOLATION,
                format!("unexpected message type 0x{tag:02X} during COPY from stdin"),
            )),
        }
    }
}

impl WireSink {
    /// A DataRow with some columns in binary (typsend) form.
    fn binary_row(&mut self, row: &[Value], style: &OutputStyle) -> actorgres_sql::Result<()> {
        let start = self.buf.len();
        let (text, formats, types) = (&mut self.text, &self.formats, &self.types);
        let mut failed = None;
        write_data_row(&mut self.buf, row.len(), |i, out| {
            let v = &row[i];
            if v.is_null() {
                return false;
            }
            if formats.get(i) == Some(&1) {
                let ty = types.get(i).copied().unwrap_or(DataType::Text);
                if let Err(e) = binary::write_binary(v, ty, out) {
                    failed.get_or_insert(e);
                }
            } else {
                text.clear();
                v.write_text(style, text);
                out.put_slice(text.as_bytes());
            }
            true
        });
        if let Some(e) = failed {
            self.buf.truncate(start);
            return Err(e);
        }
        self.maybe_flush()
    }
}

/// ReadyForQuery's byte for a transaction state.
pub fn ready_status(s: TxStatus) -> TransactionStatus {
    match s {
        TxStatus::Idle => TransactionStatus::Idle,
        TxStatus::InBlock => TransactionStatus::InBlock,
        TxStatus::Failed => TransactionStatus::Failed,
    }
}

/// A notification as the client receives it.
pub fn notification(n: actorgres_sql::notify::Notification) -> BackendMessage {
    BackendMessage::NotificationResponse {
        pid: n.pid,
        channel: n.channel,
        payload: n.payload,
    }
}

/// What the Backend hears of a running batch.
pub struct Hooks<R: FnMut(&Session), S: FnMut(&str)> {
    /// Just before ReadyForQuery is sent (PostgreSQL reports the backend
    /// idle before telling the client), with the session, so its status
    /// can be published.
    pub on_ready: R,
    /// A statement starts: its text, for pg_stat_activity.
    pub on_statement: S,
}

/// How one message ended.
enum Step {
    /// Go on with the next.
    Next,
    /// ReadyForQuery is due (after Query, Sync, FunctionCall).
    Ready,
}

/// Runs a batch of messages on the calling (executor) thread (a batch
/// ends with the message after which the client waits for an answer:
/// Query, Sync, Flush; or when it grew long): each
/// message's answer, errors (after an extended-protocol error, the rest
/// up to Sync is skipped, as PostgreSQL does), ParameterStatus changes
/// and ReadyForQuery — or a FATAL error when the session must end. A
/// panic is caught and ends only this session. A whole answer written
/// leaves the session in the Backend's [`Handback`] without a message.
/// On a hot socket that took the whole answer, the session and the
/// socket come back to the caller instead.
pub fn run_batch<R: FnMut(&Session), S: FnMut(&str)>(
    mut session: Session,
    batch: Vec<FrontendMessage>,
    interrupts: Interrupts,
    output: Output,
    hooks: &mut Hooks<R, S>,
) -> Option<(Parked, HotSocket)> {
    let mut sink = WireSink::new(
        output.tx,
        &output.pending,
        output.bell,
        interrupts.clone(),
        session.notice_filter(),
        output.hot,
    );
    let mut first_sql = None;
    let ran = catch_unwind(AssertUnwindSafe(|| {
        let mut skip = false;
        let mut in_copy = false;
        for msg in batch {
            if skip && msg != FrontendMessage::Sync {
                continue;
            }
            // Messages that came behind an Execute that started COPY FROM
            // STDIN were, in the socket's order, read during the COPY,
            // which ignores Flush and Sync (drivers send Sync right after
            // the Execute, and again after CopyDone).
            if in_copy && matches!(msg, FrontendMessage::Sync | FrontendMessage::Flush) {
                continue;
            }
            skip = false;
            if first_sql.is_none() {
                if let FrontendMessage::Query(sql) | FrontendMessage::Parse { query: sql, .. } =
                    &msg
                {
                    first_sql = Some(sql.clone());
                }
            }
            let simple = matches!(
                msg,
                FrontendMessage::Query(_) | FrontendMessage::FunctionCall { .. }
            );
            let result = one_message(&mut session, msg, &mut sink, &mut hooks.on_statement);
            in_copy |= sink.end_copy_in();
            let step = match result {
                Ok(step) => step,
                Err(e) => {
                    sink.push(&BackendMessage::ErrorResponse(report::fields(&e)));
                    if e.is_fatal() {
                        return (session, None);
                    }
                    if simple && is_lost_copy_sync(&e) {
                        // A message not of COPY's kind came in a simple
                        // Query's COPY: what follows cannot be trusted.
                        let fatal = SqlError::fatal(
                            SqlState::PROTOCOL_VIOLATION,
                            "terminating connection because protocol synchronization was lost",
                        );
                        sink.push(&BackendMessage::ErrorResponse(report::fields(&fatal)));
                        return (session, None);
                    }
                    if simple {
                        Step::Ready
                    } else {
                        session.abort_after_error(&e);
                        skip = true;
                        Step::Next
                    }
                }
            };
            if let Step::Ready = step {
                for (name, value) in session.take_parameter_changes() {
                    sink.push(&BackendMessage::ParameterStatus { name, value });
                }
                for n in session.take_notifications() {
                    sink.push(&notification(n));
                }
                (hooks.on_ready)(&session);
                sink.push(&BackendMessage::ReadyForQuery(ready_status(
                    session.transaction_status(),
                )));
            }
        }
        (session, Some(skip))
    }));
    interrupts.clear();
    let outcome = match ran {
        Ok((session, Some(skip_till_sync))) => Some((session, skip_till_sync)),
        Ok((_, None)) => None,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            let query = first_sql.unwrap_or_default();
            tracing::error!(query = %query, panic = %what, "backend panicked while running a query; ending that session only");
            let e = SqlError::fatal(
                SqlState::INTERNAL_ERROR,
                format!("internal error while running the query: {what}"),
            );
            sink.push(&BackendMessage::ErrorResponse(report::fields(&e)));
            None
        }
    };
    // When no batch went ahead (a short answer, the usual case), the
    // answer is written here, straight to the socket, as far as the
    // socket takes it without waiting: the client has it without a hop
    // through the Backend's thread. If all of it went, the session is
    // left in the hand-back slot and nobody is woken (unless the Backend
    // is already collecting). What is left (all of it if a batch went
    // ahead, so order holds) travels with the outcome, after the Backend
    // is summoned. A client that left cannot be told; the writer side
    // notices too.
    let mut last = sink.buf.split().freeze();
    if let Some(mut hot) = sink.hot.take() {
        let all = hot.write(&mut last);
        match outcome {
            Some((session, skip_till_sync)) if all => {
                let parked = Parked {
                    session,
                    tx: sink.tx.clone(),
                    skip_till_sync,
                };
                return Some((parked, hot));
            }
            // The rest goes through the Backend, as below.
            _ => sink.bell.release(hot),
        }
    }
    let direct = if sink.sent { None } else { output.direct };
    let mut write = || {
        if let Some(socket) = &direct {
            if let Ok(n) = (&**socket).write(&last) {
                last.advance(n);
            }
        }
        last.is_empty()
    };
    let outcome = match outcome {
        Some((session, skip_till_sync)) => {
            let parked = Parked {
                session,
                tx: sink.tx.clone(),
                skip_till_sync,
            };
            match sink.bell.handback.finish(parked, &mut write) {
                Ok(()) => return None,
                Err(parked) => Some(parked),
            }
        }
        None => {
            write();
            None
        }
    };
    sink.bell.ring();
    let _ = sink.tx.blocking_send(Out::Done(Box::new((last, outcome))));
    None
}

/// Whether `e` is COPY FROM STDIN meeting a message of another kind.
fn is_lost_copy_sync(e: &SqlError) -> bool {
    e.code() == SqlState::PROTOCOL_VIOLATION
        && e.message().starts_with("unexpected message type")
        && e.message().ends_with("during COPY from stdin")
}

/// Runs one message of a batch, writing its answer to `sink`.
fn one_message(
    session: &mut Session,
    msg: FrontendMessage,
    sink: &mut WireSink,
    on_statement: &mut dyn FnMut(&str),
) -> actorgres_sql::Result<Step> {
    match msg {
        FrontendMessage::Query(sql) => {
            #[cfg(test)]
            if sql.contains("/* test: panic on the executor */") {
                panic!("test panic on the executor");
            }
            session.simple_query(&sql, sink)?;
            Ok(Step::Ready)
        }
        FrontendMessage::Parse {
            name,
            query,
            param_types,
        } => {
            on_statement(&query);
            session.prepare(&name, &query, &param_types)?;
            sink.push(&BackendMessage::ParseComplete);
            Ok(Step::Next)
        }
        FrontendMessage::Bind {
            portal,
            statement,
            param_formats,
            params,
            result_formats,
        } => {
            session.bind(
                &portal,
                &statement,
                &param_formats,
                &params,
                &result_formats,
            )?;
            sink.push(&BackendMessage::BindComplete);
            Ok(Step::Next)
        }
        FrontendMessage::Describe {
            kind: TargetKind::Statement,
            name,
        } => {
            let ps = session.statement_named(&name)?;
            let oids = ps.param_types().iter().map(|t| t.oid().0).collect();
            sink.push(&BackendMessage::ParameterDescription(oids));
            match ps.columns() {
                Some(columns) => sink.push(&row_description(columns, &[])),
                None => sink.push(&BackendMessage::NoData),
            }
            Ok(Step::Next)
        }
        FrontendMessage::Describe {
            kind: TargetKind::Portal,
            name,
        } => {
            match session.describe_portal(&name)? {
                Some((columns, formats)) => sink.push(&row_description(columns, formats)),
                None => sink.push(&BackendMessage::NoData),
            }
            Ok(Step::Next)
        }
        FrontendMessage::Execute { portal, max_rows } => {
            let p = session.portal_named(&portal)?;
            on_statement(&p.statement().sql);
            sink.start_portal(p.formats());
            let result = session.execute(&portal, max_rows, sink);
            sink.end_portal();
            result?;
            Ok(Step::Next)
        }
        FrontendMessage::Close {
            kind: TargetKind::Statement,
            name,
        } => {
            session.close_statement(&name);
            sink.push(&BackendMessage::CloseComplete);
            Ok(Step::Next)
        }
        FrontendMessage::Close {
            kind: TargetKind::Portal,
            name,
        } => {
            session.close_portal(&name);
            sink.push(&BackendMessage::CloseComplete);
            Ok(Step::Next)
        }
        FrontendMessage::Sync => {
            session.sync()?;
            Ok(Step::Ready)
        }
        FrontendMessage::Flush => Ok(Step::Next),
        FrontendMessage::FunctionCall { .. } => Err(SqlError::unsupported(
            "the fast-path function call interface",
        )),
        // Outside COPY these are ignored, per the protocol; the Backend
        // keeps the rest out of batches.
        _ => Ok(Step::Next),
    }
}
