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
