//! A tokio-util codec over the sans-IO decoders, so a socket can be framed
//! with `FramedRead`. It follows the connection's phase by itself: startup
//! packets until a StartupMessage arrives, typed messages after it.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::{decode_message, decode_startup, BackendMessage, FrontendMessage, ProtocolError};
use crate::{StartupPacket, MAX_MESSAGE_LEN};

/// One item read from a connection.
#[derive(Debug)]
pub enum Frame {
    /// A startup-phase packet.
    Startup(StartupPacket),
    /// A regular message.
    Message(FrontendMessage),
    /// A correctly framed message with a bad body (non-fatal error): answer
    /// with ERROR and go on reading.
    Invalid {
        /// The message's type byte ('Q', 'P', ...).
        tag: u8,
        /// What was wrong with it.
        error: ProtocolError,
    },
}

/// Which decoder applies to the next bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the StartupMessage: packets without a type byte.
    Startup,
    /// After it: typed messages.
    Normal,
}

/// Frames a PostgreSQL connection. Fatal errors end the stream.
#[derive(Debug)]
pub struct PgCodec {
    /// The current phase.
    phase: Phase,
}

impl PgCodec {
    /// A codec for a new connection (startup phase).
    pub fn new() -> Self {
        PgCodec {
            phase: Phase::Startup,
        }
    }
}

impl Default for PgCodec {
    fn default() -> Self {
        Self::new()
    }
}

/// The most bytes of COPY data one frame carries after merging.
const MERGED_COPY_DATA: usize = 256 * 1024;

/// COPY data is a byte stream whose message boundaries mean nothing
/// (clients send a row, or 64 kB, per message): the CopyData messages
/// already buffered behind `first` are merged into one frame, so a
/// client sending a message per row costs one event per buffer read, not
/// one per row.
fn merge_copy_data(first: bytes::Bytes, buf: &mut BytesMut) -> bytes::Bytes {
    let complete_copy_data = |buf: &BytesMut| {
        buf.len() >= 5
            && buf[0] == b'd'
            && usize::try_from(i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]))
                .is_ok_and(|len| len >= 4 && buf.len() > len)
    };
    if !complete_copy_data(buf) {
        return first;
    }
    let mut merged = BytesMut::with_capacity(first.len() * 2);
    merged.extend_from_slice(&first);
    while merged.len() < MERGED_COPY_DATA && complete_copy_data(buf) {
        match decode_message(buf) {
            Ok(Some(FrontendMessage::CopyData(more))) => merged.extend_from_slice(&more),
            // Checked complete and of type 'd' above: nothing else comes.
            _ => break,
        }
    }
    merged.freeze()
}

impl Decoder for PgCodec {
    type Item = Frame;
    type Error = ProtocolError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
        match self.phase {
            Phase::Startup => {
                let packet = decode_startup(buf)?;
                if let Some(StartupPacket::Startup { .. }) = packet {
                    self.phase = Phase::Normal;
                }
                Ok(packet.map(Frame::Startup))
            }
            Phase::Normal => {
                let tag = buf.first().copied().unwrap_or(0);
                match decode_message(buf) {
                    Ok(Some(FrontendMessage::CopyData(first))) => Ok(Some(Frame::Message(
                        FrontendMessage::CopyData(merge_copy_data(first, buf)),
                    ))),
                    Ok(m) => Ok(m.map(Frame::Message)),
                    Err(e) if e.is_fatal() => Err(e),
                    Err(error) => Ok(Some(Frame::Invalid { tag, error })),
                }
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
        match self.decode(buf)? {
            Some(frame) => Ok(Some(frame)),
            None if buf.is_empty() => Ok(None),
            None => Err(ProtocolError::UnexpectedEof),
        }
    }
}

impl Encoder<BackendMessage> for PgCodec {
    type Error = ProtocolError;

    fn encode(&mut self, msg: BackendMessage, buf: &mut BytesMut) -> Result<(), ProtocolError> {
        msg.encode(buf);
        if buf.len() > MAX_MESSAGE_LEN * 2 {
            return Err(ProtocolError::InvalidLength);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BufMut;
    use postgres_protocol::message::frontend;

    #[test]
    fn switches_phase_after_startup_message() {
        let mut codec = PgCodec::new();
        let mut buf = BytesMut::new();
        frontend::ssl_request(&mut buf);
        frontend::startup_message([("user", "u")], &mut buf).unwrap();
        frontend::query("SELECT 1", &mut buf).unwrap();
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Startup(StartupPacket::SslRequest))
        ));
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Startup(StartupPacket::Startup { .. }))
        ));
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Message(FrontendMessage::Query(q))) if q == "SELECT 1"
        ));
    }

    #[test]
    fn buffered_copy_data_is_merged_up_to_the_next_message() {
        let mut codec = PgCodec::new();
        codec.phase = Phase::Normal;
        let mut buf = BytesMut::new();
        for row in ["1\ta\n", "2\tb\n", "3\tc\n"] {
            frontend::CopyData::new(row.as_bytes())
                .unwrap()
                .write(&mut buf);
        }
        frontend::copy_done(&mut buf);
        // A CopyData cut short stays for the next read.
        frontend::CopyData::new(&b"4\td\n"[..])
            .unwrap()
            .write(&mut buf);
        let cut = buf.len() - 2;
        let mut tail = buf.split_off(cut);
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Message(FrontendMessage::CopyData(d))) if &d[..] == b"1\ta\n2\tb\n3\tc\n"
        ));
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Message(FrontendMessage::CopyDone))
        ));
        assert!(codec.decode(&mut buf).unwrap().is_none());
        buf.unsplit(std::mem::take(&mut tail));
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Message(FrontendMessage::CopyData(d))) if &d[..] == b"4\td\n"
        ));
    }

    #[test]
    fn eof_inside_a_message_is_an_error() {
        let mut codec = PgCodec::new();
        codec.phase = Phase::Normal;
        let mut buf = BytesMut::new();
        buf.put_u8(b'Q');
        buf.put_i32(100);
        buf.put_slice(b"SEL");
        assert!(matches!(
            codec.decode_eof(&mut buf),
            Err(ProtocolError::UnexpectedEof)
        ));
        let mut empty = BytesMut::new();
        assert!(codec.decode_eof(&mut empty).unwrap().is_none());
    }

    #[test]
    fn non_fatal_errors_become_items() {
        let mut codec = PgCodec::new();
        codec.phase = Phase::Normal;
        let mut buf = BytesMut::new();
        buf.put_u8(b'Q');
        buf.put_i32(6);
        buf.put_slice(b"\xff\0");
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(Frame::Invalid {
                tag: b'Q',
                error: ProtocolError::InvalidUtf8(_)
            })
        ));
    }
}
