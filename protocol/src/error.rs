//! What can be wrong with bytes a client sent.

use crate::SqlState;

/// A decoding failure. Fatal ones lose the framing and end the connection;
/// the others leave the stream usable (see the crate rules).
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// A type byte that no frontend message has. Fatal.
    #[error("invalid frontend message type {0}")]
    UnknownMessageType(u8),
    /// A message length below 4 or above the limit for its type. Fatal.
    #[error("invalid message length")]
    InvalidLength,
    /// A startup packet length outside 8..=10000. Fatal.
    #[error("invalid length of startup packet")]
    InvalidStartupLength,
    /// Startup parameters not ended by an empty name. Fatal.
    #[error("invalid startup packet layout: expected terminator as last byte")]
    StartupLayout,
    /// The peer closed the socket in the middle of a message. Fatal.
    #[error("unexpected EOF on client connection")]
    UnexpectedEof,
    /// A string without its terminating NUL inside a framed message.
    #[error("invalid string in message")]
    InvalidString,
    /// A framed message whose body does not match its type's layout.
    #[error("invalid message format")]
    InvalidFormat,
    /// Text that is not valid UTF-8 (the only client encoding served).
    #[error("invalid byte sequence for encoding \"UTF8\": {0}")]
    InvalidUtf8(String),
    /// The socket failed. Fatal.
    #[error("could not receive data from client: {0}")]
    Io(#[from] std::io::Error),
}

impl ProtocolError {
    /// True when the connection cannot go on after this error.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            ProtocolError::InvalidString
                | ProtocolError::InvalidFormat
                | ProtocolError::InvalidUtf8(_)
        )
    }

    /// The SQLSTATE PostgreSQL reports for this error.
    pub fn sqlstate(&self) -> SqlState {
        match self {
            ProtocolError::InvalidUtf8(_) => SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            ProtocolError::Io(_) => SqlState::CONNECTION_FAILURE,
            _ => SqlState::PROTOCOL_VIOLATION,
        }
    }
}
