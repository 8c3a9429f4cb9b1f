//! The PostgreSQL v3 frontend/backend protocol, sans-IO.
//!
//! This crate turns bytes into [`FrontendMessage`]s and [`StartupPacket`]s and
//! [`BackendMessage`]s into bytes. It never touches a socket, a clock or a
//! thread: the Backend actor (actors/) feeds it what the socket delivered and
//! writes what it produces. Everything a client can send is decoded here, even
//! the messages the server does not serve yet, so later work only adds
//! behaviour.
//!
//! Rules:
//! 1. "Need more bytes" is `Ok(None)`, never an error.
//! 2. Nothing from the wire is trusted: every length is checked before it is
//!    used, and no input can make a decoder panic (proptest and a fuzz-style
//!    test feed it random bytes).
//! 3. An error that loses the message framing (unknown type byte, impossible
//!    length) is *fatal*: the connection must end. An error inside a
//!    correctly framed message (bad string, bad UTF-8) is not: the frame has
//!    been consumed and the session can answer with ERROR and go on, as
//!    PostgreSQL does. [`ProtocolError::is_fatal`] tells which.
//!
//! ```text
//!  socket bytes ──► PgCodec::decode ──► Frame::{Startup, Message, Invalid}
//!  BackendMessage::encode ──► BytesMut ──► socket
//! ```

mod backend;
mod codec;
mod error;
mod frontend;
mod reader;
mod sqlstate;
mod startup;

pub use backend::{
    write_data_row, BackendMessage, ErrorFields, FieldDescription, Severity, TransactionStatus,
};
pub use codec::{Frame, PgCodec};
pub use error::ProtocolError;
pub use frontend::{decode_message, FrontendMessage, TargetKind, MAX_MESSAGE_LEN};
pub use reader::utf8 as decode_utf8;
pub use sqlstate::SqlState;
pub use startup::{
    decode_startup, StartupPacket, CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE,
    MAX_STARTUP_PACKET_LEN, SSL_REQUEST_CODE,
};
