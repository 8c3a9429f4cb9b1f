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
use actorgres_protocol::{write_data_row, BackendMessage, FieldDescription, TransactionStatus};
use actorgres_sql::value::{OutputStyle, Value};
use actorgres_sql::{OutputColumn, ResultSink, Session, SqlError, SqlState, TxStatus};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio::sync::mpsc;

use super::handback::Handback;
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
}

/// What goes back to the Backend after a statement.
pub struct Parked {
    /// The session.
    pub session: Session,
    /// The channel's sending side, for the next statement.
    pub tx: mpsc::Sender<Out>,
}

/// How the executor gets its Backend's attention: the first time in a
/// statement it sends through the channel, the Backend (which does not
/// read the channel unless told) is told to collect.
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
}

/// Where a query's answer goes.
pub struct Output {
    /// Batches to the Backend's writer.
    pub tx: mpsc::Sender<Out>,
    /// Messages the Backend had buffered before the query: they go first.
    pub pending: Bytes,
    /// The client socket (non-blocking), if the Backend could share it.
    pub direct: Option<Arc<TcpStream>>,
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
}

impl WireSink {
    /// A sink sending batches to `tx`, after `pending`.
    pub fn new(tx: mpsc::Sender<Out>, pending: &[u8], bell: Bell) -> Self {
        let mut buf = BytesMut::with_capacity(INITIAL_BYTES.max(pending.len()));
        buf.extend_from_slice(pending);
        WireSink {
            buf,
            tx,
            sent: false,
            bell,
            text: String::new(),
        }
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
        let batch = self.buf.split().freeze();
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

impl ResultSink for WireSink {
    fn row_description(&mut self, columns: &[OutputColumn]) -> actorgres_sql::Result<()> {
        let fields = columns
            .iter()
            .map(|c| FieldDescription {
                name: c.name.clone(),
                table_oid: c.table_oid,
                column_id: c.attnum,
                type_oid: c.ty.oid().0,
                type_size: c.ty.typlen(),
                type_modifier: c.typmod,
                format: 0,
            })
            .collect();
        self.push(&BackendMessage::RowDescription(fields));
        Ok(())
    }

    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> actorgres_sql::Result<()> {
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
        self.push(&BackendMessage::NoticeResponse(report::fields(notice)));
        Ok(())
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

/// Runs a simple Query on the calling (executor) thread: results, then
/// the error if any, changed ParameterStatus values and ReadyForQuery —
/// or a FATAL error when the session must end. A panic is caught and ends
/// only this session. `on_ready` runs just before ReadyForQuery is sent
/// (PostgreSQL reports the backend idle before telling the client), with
/// the session, so its status can be published. A whole answer written
/// leaves the session in the Backend's [`Handback`] without a message.
pub fn run_simple_query(
    mut session: Session,
    sql: String,
    interrupts: Interrupts,
    output: Output,
    on_ready: impl FnOnce(&Session),
) {
    let mut sink = WireSink::new(output.tx, &output.pending, output.bell);
    let ran = catch_unwind(AssertUnwindSafe(|| {
        #[cfg(test)]
        if sql.contains("/* test: panic on the executor */") {
            panic!("test panic on the executor");
        }
        let result = session.simple_query(&sql, &mut sink);
        (session, result)
    }));
    interrupts.clear();
    let outcome = match ran {
        Ok((mut session, result)) => {
            let fatal = match result {
                Ok(()) => false,
                Err(e) => {
                    sink.push(&BackendMessage::ErrorResponse(report::fields(&e)));
                    e.is_fatal()
                }
            };
            if fatal {
                None
            } else {
                for (name, value) in session.take_parameter_changes() {
                    sink.push(&BackendMessage::ParameterStatus { name, value });
                }
                on_ready(&session);
                sink.push(&BackendMessage::ReadyForQuery(ready_status(
                    session.transaction_status(),
                )));
                Some(session)
            }
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            tracing::error!(query = %sql, panic = %what, "backend panicked while running a query; ending that session only");
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
        Some(session) => {
            let parked = Parked {
                session,
                tx: sink.tx.clone(),
            };
            match sink.bell.handback.finish(parked, &mut write) {
                Ok(()) => return,
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
}
