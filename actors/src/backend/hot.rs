//! The hot socket: an executor keeps a busy client's socket between
//! statements, so a statement costs one thread wake-up, as a PostgreSQL
//! backend's does, instead of two (the arbiter reading the message, then
//! the executor running it).
//!
//! The Backend hands the socket over with a batch when nothing else is
//! waiting (see `Backend::run_pending`): the socket leaves the arbiter's
//! poller (tokio deregisters it), so nobody else reads it. The executor
//! writes the answer itself, then waits on the socket for the client's
//! next batch, up to [`HOT_WAIT`], and runs it at once: no arbiter thread
//! is involved. It gives the socket back (the [`Rehome`] message) when
//! anything else is due:
//!
//! - the client is quiet for [`HOT_WAIT`] (an idle session holds no
//!   thread), or closed the connection;
//! - a message that is not Parse, Bind, Describe, Execute, Close, Sync,
//!   Query or Flush (COPY data, Terminate, a fast-path call, a bad frame):
//!   the Backend handles it and what follows, in order;
//! - an answer the socket does not take whole (the Backend's writer waits
//!   for a slow client), a COPY FROM STDIN (the Backend feeds it), an
//!   extended-protocol error (the Backend skips to Sync), a
//!   statement_timeout (the Backend's timer raises it);
//! - a Terminate or a lost client is pending.
//!
//! While the executor holds the socket, the Backend's events wait in its
//! queue, and a timer checks every [`CLIENT_CHECK`] that the client is
//! still connected, so a statement whose client left stops (the
//! arbiter's reader no longer sees the connection end), and that the
//! socket still exists: one dropped on the way (an executor that failed
//! outside a statement) ends the Backend instead of leaving it waiting.

use std::io::{ErrorKind, Read, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use actix::Message;
use actorgres_memory::{Interrupt, Interrupts};
use actorgres_protocol::{Frame, FrontendMessage, PgCodec, ProtocolError};
use bytes::{Buf, BytesMut};
use futures::Stream;
use parking_lot::Mutex;
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_util::codec::{Decoder, FramedRead};

use super::sink::Parked;

/// How long an executor waits for a hot client's next message before it
/// gives the socket back. Long enough for a client that answers at once
/// (a driver's next statement, a benchmark) even on a loaded machine;
/// short enough that a session going idle frees its thread promptly and
/// that a notification or a terminate request waiting for the Backend
/// is not held up noticeably.
pub const HOT_WAIT: Duration = Duration::from_millis(5);

/// How often the Backend checks that a hot session's client is still
/// connected while its statement runs.
pub const CLIENT_CHECK: Duration = Duration::from_secs(1);

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 8 * 1024;

/// A connection's read buffer to start with (tokio-util's default is
/// 8 KiB): it is most of an idle session's memory, and grows for longer
/// messages.
const READ_BUFFER: usize = 1024;

/// The framed read side of a connection.
pub fn framed(read: OwnedReadHalf, codec: PgCodec) -> FramedRead<OwnedReadHalf, PgCodec> {
    FramedRead::with_capacity(read, codec, READ_BUFFER)
}

/// The most messages gathered into one batch (as the Backend's limit).
const MAX_BATCH: usize = 256;

/// The connection's read side as the Backend's stream: the framed reader
/// while the Backend has the socket, nothing (pending) while an executor
/// holds it.
#[derive(Clone, Default)]
pub struct SharedReader(Arc<Mutex<ReaderSlot>>);

/// See [`SharedReader`].
#[derive(Default)]
struct ReaderSlot {
    /// The framed read half, when the Backend has the socket.
    reader: Option<FramedRead<OwnedReadHalf, PgCodec>>,
    /// The Backend's stream task, waiting for the reader to come back.
    waker: Option<Waker>,
}

impl SharedReader {
    /// A stream over `reader`.
    pub fn new(reader: FramedRead<OwnedReadHalf, PgCodec>) -> Self {
        SharedReader(Arc::new(Mutex::new(ReaderSlot {
            reader: Some(reader),
            waker: None,
        })))
    }

    /// Takes the reader with `writer` into a [`HotSocket`], if the reader
    /// holds no bytes not framed yet (a client that pipelines keeps its
    /// messages with the Backend).
    pub fn take(&self, writer: OwnedWriteHalf) -> Taken {
        let mut slot = self.0.lock();
        let reader = match slot.reader.take() {
            Some(reader) if reader.read_buffer().is_empty() => reader,
            other => {
                slot.reader = other;
                return Taken::Kept(writer);
            }
        };
        let parts = reader.into_parts();
        match parts.io.reunite(writer).map(|s| s.into_std()) {
            Ok(Ok(stream)) => Taken::Hot(HotSocket {
                stream,
                codec: parts.codec,
                buf: BytesMut::with_capacity(READ_CHUNK),
                scratch: vec![0; READ_CHUNK].into_boxed_slice(),
                held: Arc::new(()),
            }),
            // Halves of one stream always reunite, and a registered
            // socket deregisters; if not, the connection cannot go on.
            _ => Taken::Lost,
        }
    }

    /// Puts the read side back and wakes the Backend's stream.
    fn put(&self, reader: FramedRead<OwnedReadHalf, PgCodec>) {
        let mut slot = self.0.lock();
        slot.reader = Some(reader);
        if let Some(w) = slot.waker.take() {
            w.wake();
        }
    }

    /// Takes a socket back from an executor: registered with the
    /// arbiter's poller again. The write half and the whole frames read
    /// and not run yet, which come before anything the reader yields
    /// (it keeps only an incomplete frame's bytes, completed by its next
    /// read); None if the socket could not be registered (the
    /// connection ends).
    pub fn rehome(
        &self,
        mut hot: HotSocket,
    ) -> Option<(OwnedWriteHalf, Vec<Result<Frame, ProtocolError>>)> {
        let frames = hot.drain();
        let stream = tokio::net::TcpStream::from_std(hot.stream).ok()?;
        let (r, w) = stream.into_split();
        let mut reader = framed(r, hot.codec);
        reader.read_buffer_mut().extend_from_slice(&hot.buf);
        self.put(reader);
        Some((w, frames))
    }
}

/// What [`SharedReader::take`] did.
pub enum Taken {
    /// The socket, for an executor.
    Hot(HotSocket),
    /// The Backend keeps the socket: its writer.
    Kept(OwnedWriteHalf),
    /// The socket could not be moved; the connection ends.
    Lost,
}

impl Stream for SharedReader {
    type Item = Result<Frame, ProtocolError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut slot = self.0.lock();
        match slot.reader.as_mut() {
            Some(reader) => Pin::new(reader).poll_next(cx),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A client socket an executor holds (non-blocking, out of the
/// arbiter's poller).
pub struct HotSocket {
    /// The socket.
    stream: std::net::TcpStream,
    /// The connection's framing state.
    codec: PgCodec,
    /// Bytes read and not framed yet.
    buf: BytesMut,
    /// Where a read lands before it is appended to `buf`.
    scratch: Box<[u8]>,
    /// Alive as long as the socket is: the Backend holds a weak
    /// reference, so it learns if the socket was dropped on the way (an
    /// executor that failed) instead of coming back.
    held: Arc<()>,
}

/// What the client sent next.
pub enum Next {
    /// Messages the executor runs now, ending with the one after which
    /// the client waits (Query, Sync, Flush).
    Batch(Vec<FrontendMessage>),
    /// The Backend must take over: the socket goes back with these
    /// frames (in order) and whether the connection ended after them.
    Release(Vec<Result<Frame, ProtocolError>>, bool),
}

/// Whether the executor runs `m` itself, and whether the client waits
/// for an answer after it.
fn hot_message(m: &FrontendMessage) -> Option<bool> {
    match m {
        FrontendMessage::Parse { .. }
        | FrontendMessage::Bind { .. }
        | FrontendMessage::Describe { .. }
        | FrontendMessage::Execute { .. }
        | FrontendMessage::Close { .. } => Some(false),
        FrontendMessage::Query(_) | FrontendMessage::Sync | FrontendMessage::Flush => Some(true),
        _ => None,
    }
}

impl HotSocket {
    /// A reference that fails once this socket is dropped.
    pub fn holder(&self) -> std::sync::Weak<()> {
        Arc::downgrade(&self.held)
    }

    /// Writes as much of `bytes` as the socket takes without waiting;
    /// true if all of it went.
    pub fn write(&mut self, bytes: &mut bytes::Bytes) -> bool {
        while !bytes.is_empty() {
            match self.stream.write(bytes) {
                Ok(0) => return false,
                Ok(n) => bytes.advance(n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Waits for the client's next batch, at most [`HOT_WAIT`] of
    /// silence, and frames it. A Terminate or lost client pending in
    /// `interrupts` releases the socket.
    pub fn next_batch(&mut self, interrupts: &Interrupts) -> Next {
        let mut batch = Vec::new();
        loop {
            loop {
                match self.codec.decode(&mut self.buf) {
                    Ok(Some(Frame::Message(m))) => match hot_message(&m) {
                        #[cfg(test)]
                        Some(_) if matches!(&m, FrontendMessage::Query(q) if q.contains("/* test: panic in the hot socket */")) =>
                        {
                            panic!("test panic while an executor holds the socket")
                        }
                        Some(waits) => {
                            batch.push(m);
                            if waits {
                                return Next::Batch(batch);
                            }
                            if batch.len() >= MAX_BATCH {
                                return self.release(batch, None, false);
                            }
                        }
                        None => return self.release(batch, Some(Ok(Frame::Message(m))), false),
                    },
                    Ok(Some(frame)) => return self.release(batch, Some(Ok(frame)), false),
                    Ok(None) => break,
                    Err(e) => return self.release(batch, Some(Err(e)), false),
                }
            }
            if matches!(
                interrupts.pending(),
                Some(Interrupt::Terminate | Interrupt::ClientGone)
            ) {
                return self.release(batch, None, false);
            }
            match self.read() {
                Got::Data => {}
                Got::End => return self.release(batch, None, true),
                Got::Quiet => return self.release(batch, None, false),
            }
        }
    }

    /// Reads what the client sends within [`HOT_WAIT`].
    fn read(&mut self) -> Got {
        let deadline = Instant::now() + HOT_WAIT;
        // The client has just had its answer: wait before the first read.
        if !wait_readable(&self.stream, HOT_WAIT) {
            return Got::Quiet;
        }
        loop {
            match self.stream.read(&mut self.scratch) {
                Ok(0) => return Got::End,
                Ok(n) => {
                    self.buf.extend_from_slice(&self.scratch[..n]);
                    return Got::Data;
                }
                Err(e) => match e.kind() {
                    ErrorKind::Interrupted => continue,
                    ErrorKind::WouldBlock => {}
                    _ => return Got::End,
                },
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !wait_readable(&self.stream, left) {
                return Got::Quiet;
            }
        }
    }

    /// Gives up with the messages read so far and `first` (the rest of
    /// what was read is framed when the Backend takes the socket).
    fn release(
        &mut self,
        batch: Vec<FrontendMessage>,
        first: Option<Result<Frame, ProtocolError>>,
        ended: bool,
    ) -> Next {
        let frames = batch
            .into_iter()
            .map(|m| Ok(Frame::Message(m)))
            .chain(first)
            .collect();
        Next::Release(frames, ended)
    }

    /// The whole frames read and not taken yet (after a framing error,
    /// nothing more: the connection ends).
    fn drain(&mut self) -> Vec<Result<Frame, ProtocolError>> {
        let mut frames = Vec::new();
        loop {
            match self.codec.decode(&mut self.buf) {
                Ok(Some(frame)) => frames.push(Ok(frame)),
                Ok(None) => return frames,
                Err(e) => {
                    frames.push(Err(e));
                    self.buf.clear();
                    return frames;
                }
            }
        }
    }
}

/// What one read got.
enum Got {
    /// Bytes.
    Data,
    /// The connection ended (or failed).
    End,
    /// Nothing within [`HOT_WAIT`].
    Quiet,
}

/// Waits up to `timeout` for `socket` to have something to read (or an
/// error or hang-up, which the next read reports).
fn wait_readable(socket: &std::net::TcpStream, timeout: Duration) -> bool {
    let mut fds = [PollFd::new(socket, PollFlags::IN)];
    let timeout = Timespec {
        tv_sec: 0,
        tv_nsec: i64::from(timeout.subsec_nanos()),
    };
    matches!(poll(&mut fds, Some(&timeout)), Ok(n) if n > 0)
}

/// Whether the peer of `socket` has closed the connection (or it
/// failed), without reading: PostgreSQL's client_connection_check.
pub fn client_gone(socket: &std::net::TcpStream) -> bool {
    let mut fds = [PollFd::new(socket, PollFlags::RDHUP)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(poll(&mut fds, Some(&now)), Ok(n) if n > 0)
        && fds[0]
            .revents()
            .intersects(PollFlags::RDHUP | PollFlags::HUP | PollFlags::ERR)
}

/// From an executor: the Backend takes the socket back.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Rehome {
    /// The socket.
    pub socket: HotSocket,
    /// Frames read and not run, in order.
    pub frames: Vec<Result<Frame, ProtocolError>>,
    /// The connection ended after them.
    pub ended: bool,
    /// The session, if the statement is over (None: it still runs, and
    /// its outcome comes as when the Backend had the socket throughout).
    pub parked: Option<Parked>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::net::{TcpListener, TcpStream};

    /// A connected pair: the server's end as a hot socket past startup,
    /// and the client's end.
    fn pair() -> (HotSocket, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        let mut codec = PgCodec::new();
        // Past the startup phase, as every hot socket is.
        let mut startup = BytesMut::new();
        let body = b"\0\x03\0\0user\0u\0\0";
        startup.extend_from_slice(&(4 + body.len() as u32).to_be_bytes());
        startup.extend_from_slice(body);
        assert!(matches!(
            codec.decode(&mut startup),
            Ok(Some(Frame::Startup(_)))
        ));
        let hot = HotSocket {
            stream: server,
            codec,
            buf: BytesMut::new(),
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            held: Arc::new(()),
        };
        (hot, client)
    }

    /// Sleeps (the test thread is neither an arbiter nor an executor).
    fn pause(d: Duration) {
        let _ = Interrupts::new().sleep(d);
    }

    fn message(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![tag];
        m.extend_from_slice(&(4 + body.len() as u32).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    fn sync() -> Vec<u8> {
        message(b'S', b"")
    }

    fn query(sql: &str) -> Vec<u8> {
        message(b'Q', format!("{sql}\0").as_bytes())
    }

    #[test]
    fn a_batch_is_read_up_to_the_message_the_client_waits_after() {
        let (mut hot, mut client) = pair();
        let mut bytes = message(b'E', b"\0\0\0\0\0");
        bytes.extend(sync());
        bytes.extend(query("SELECT 1"));
        client.write_all(&bytes).unwrap();
        let i = Interrupts::new();
        let Next::Batch(b) = hot.next_batch(&i) else {
            panic!("expected a batch")
        };
        assert!(matches!(
            b.as_slice(),
            [FrontendMessage::Execute { .. }, FrontendMessage::Sync]
        ));
        // The query behind it is the next batch, without another read.
        let Next::Batch(b) = hot.next_batch(&i) else {
            panic!("expected a batch")
        };
        assert_eq!(b, vec![FrontendMessage::Query("SELECT 1".into())]);
    }

    #[test]
    fn a_message_split_across_writes_is_joined() {
        let (mut hot, mut client) = pair();
        let q = query("SELECT 'split'");
        let (a, b) = q.split_at(3);
        client.write_all(a).unwrap();
        let b = b.to_vec();
        let writer = std::thread::spawn(move || {
            pause(Duration::from_millis(1));
            client.write_all(&b).unwrap();
            client
        });
        let Next::Batch(batch) = hot.next_batch(&Interrupts::new()) else {
            panic!("expected a batch")
        };
        assert_eq!(batch, vec![FrontendMessage::Query("SELECT 'split'".into())]);
        drop(writer.join().unwrap());
    }

    #[test]
    fn other_messages_go_back_in_order_with_what_follows() {
        let (mut hot, mut client) = pair();
        let mut bytes = message(b'B', b"\0\0\0\0\0\0\0\0");
        bytes.extend(message(b'd', b"1\t2\n"));
        bytes.extend(query("SELECT 2"));
        bytes.extend(message(b'X', b""));
        client.write_all(&bytes).unwrap();
        pause(Duration::from_millis(1));
        let Next::Release(mut frames, ended) = hot.next_batch(&Interrupts::new()) else {
            panic!("expected a release")
        };
        assert!(!ended);
        assert_eq!(frames.len(), 2, "up to the COPY data");
        // The rest is framed when the Backend takes the socket back.
        frames.extend(hot.drain());
        assert!(hot.buf.is_empty());
        let kinds: Vec<_> = frames
            .iter()
            .map(|f| match f {
                Ok(Frame::Message(m)) => format!("{m:?}").chars().take(4).collect::<String>(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["Bind", "Copy", "Quer", "Term"]);
    }

    #[test]
    fn a_quiet_client_gets_its_socket_released_and_a_closed_one_ends() {
        let (mut hot, client) = pair();
        let start = Instant::now();
        let Next::Release(frames, ended) = hot.next_batch(&Interrupts::new()) else {
            panic!("expected a release")
        };
        assert!(frames.is_empty() && !ended);
        assert!(start.elapsed() >= HOT_WAIT);
        assert!(!client_gone(&hot.stream));
        drop(client);
        pause(Duration::from_millis(5));
        assert!(client_gone(&hot.stream));
        let Next::Release(frames, ended) = hot.next_batch(&Interrupts::new()) else {
            panic!("expected a release")
        };
        assert!(frames.is_empty() && ended);
    }

    #[test]
    fn a_pending_terminate_releases_the_socket() {
        let (mut hot, mut client) = pair();
        let i = Interrupts::new();
        i.raise(Interrupt::Terminate);
        client.write_all(&query("SELECT 3")).unwrap();
        pause(Duration::from_millis(1));
        // Nothing is read: the query stays in the socket for the Backend.
        let Next::Release(frames, ended) = hot.next_batch(&i) else {
            panic!("expected a release")
        };
        assert!(frames.is_empty() && !ended);
        let mut peek = [0u8; 1];
        assert_eq!(hot.stream.peek(&mut peek).unwrap(), 1);
        assert_eq!(peek[0], b'Q');
    }

    #[test]
    fn writes_go_as_far_as_the_socket_takes_them() {
        let (mut hot, client) = pair();
        let mut small = bytes::Bytes::from_static(b"hello");
        assert!(hot.write(&mut small));
        // A client that reads nothing: the socket fills, the rest stays.
        let mut big = bytes::Bytes::from(vec![0u8; 64 << 20]);
        assert!(!hot.write(&mut big));
        assert!(!big.is_empty() && big.len() < 64 << 20);
        drop(client);
    }
}
