//! The first packet of a connection: it has no type byte.
//!
//! ```text
//! int32 length (including itself) | int32 code | body
//! code 80877103 SSLRequest, 80877104 GSSENCRequest,
//!      80877102 CancelRequest (int32 pid, int32 key),
//!      otherwise a protocol version (major << 16 | minor) followed by
//!      name\0value\0 ... \0
//! ```

use bytes::{Buf, BytesMut};

use crate::reader::Reader;
use crate::ProtocolError;

/// The code of an SSLRequest.
pub const SSL_REQUEST_CODE: i32 = 80877103;
/// The code of a GSSENCRequest.
pub const GSSENC_REQUEST_CODE: i32 = 80877104;
/// The code of a CancelRequest.
pub const CANCEL_REQUEST_CODE: i32 = 80877102;
/// PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
pub const MAX_STARTUP_PACKET_LEN: usize = 10000;

/// A decoded startup-phase packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupPacket {
    /// The client asks for TLS.
    SslRequest,
    /// The client asks for GSSAPI encryption.
    GssEncRequest,
    /// Cancel the query running in backend `pid`, if `key` matches.
    CancelRequest {
        /// The target backend's process id (from BackendKeyData).
        pid: i32,
        /// The target backend's secret key.
        key: i32,
    },
    /// A StartupMessage: protocol version and parameters (user, database,
    /// options, application_name, `_pq_.` protocol options, any GUC).
    Startup {
        /// Major protocol version (3 is the one served).
        major: u16,
        /// Minor protocol version.
        minor: u16,
        /// Parameters in the order sent.
        params: Vec<(String, String)>,
    },
}

impl StartupPacket {
    /// The value of a startup parameter, if the client sent it.
    pub fn param(&self, name: &str) -> Option<&str> {
        match self {
            StartupPacket::Startup { params, .. } => params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Decodes one startup packet from the front of `buf`.
pub fn decode_startup(buf: &mut BytesMut) -> Result<Option<StartupPacket>, ProtocolError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
    let len = usize::try_from(len).map_err(|_| ProtocolError::InvalidStartupLength)?;
    if !(8..=MAX_STARTUP_PACKET_LEN).contains(&len) {
        return Err(ProtocolError::InvalidStartupLength);
    }
    if buf.len() < len {
        buf.reserve(len - buf.len());
        return Ok(None);
    }
    let frame = buf.split_to(len);
    let mut r = Reader::new(&frame[4..]);
    let code = r.i32().map_err(|_| ProtocolError::InvalidStartupLength)?;
    let packet = match code {
        SSL_REQUEST_CODE => StartupPacket::SslRequest,
        GSSENC_REQUEST_CODE => StartupPacket::GssEncRequest,
        CANCEL_REQUEST_CODE => {
            let pid = r.i32().map_err(|_| ProtocolError::InvalidStartupLength)?;
            let key = r.i32().map_err(|_| ProtocolError::InvalidStartupLength)?;
            StartupPacket::CancelRequest { pid, key }
        }
        version => {
            let body = r.rest();
            StartupPacket::Startup {
                major: (version as u32 >> 16) as u16,
                minor: (version as u32 & 0xffff) as u16,
                params: decode_params(body)?,
            }
        }
    };
    Ok(Some(packet))
}

/// `name\0value\0 ... \0`: the last byte must be the terminator.
fn decode_params(mut body: &[u8]) -> Result<Vec<(String, String)>, ProtocolError> {
    if body.last() != Some(&0) {
        return Err(ProtocolError::StartupLayout);
    }
    let mut params = Vec::new();
    loop {
        let name = next_cstr(&mut body)?;
        if name.is_empty() {
            break;
        }
        let value = next_cstr(&mut body)?;
        params.push((lossy(name), lossy(value)));
    }
    if body.has_remaining() {
        return Err(ProtocolError::StartupLayout);
    }
    Ok(params)
}

fn next_cstr<'a>(body: &mut &'a [u8]) -> Result<&'a [u8], ProtocolError> {
    let nul = body
        .iter()
        .position(|&b| b == 0)
        .ok_or(ProtocolError::StartupLayout)?;
    let s = &body[..nul];
    *body = &body[nul + 1..];
    Ok(s)
}

/// Startup parameters are not checked against the client encoding (it is
/// not known yet), as in PostgreSQL; invalid bytes become U+FFFD.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BufMut;

    fn packet(code: i32, body: &[u8]) -> BytesMut {
        let mut b = BytesMut::new();
        b.put_i32(8 + body.len() as i32);
        b.put_i32(code);
        b.put_slice(body);
        b
    }

    #[test]
    fn startup_message_with_params() {
        let mut b = packet(196608, b"user\0alice\0database\0db\0\0");
        let p = decode_startup(&mut b).unwrap().unwrap();
        assert_eq!(p.param("user"), Some("alice"));
        assert_eq!(p.param("database"), Some("db"));
        assert!(matches!(
            p,
            StartupPacket::Startup {
                major: 3,
                minor: 0,
                ..
            }
        ));
        assert!(b.is_empty());
    }

    #[test]
    fn partial_packet_needs_more() {
        let full = packet(SSL_REQUEST_CODE, b"");
        let mut b = BytesMut::from(&full[..5]);
        assert_eq!(decode_startup(&mut b).unwrap(), None);
    }

    #[test]
    fn bad_lengths_are_fatal() {
        for len in [0i32, 3, 7, -1, 10001, i32::MAX] {
            let mut b = BytesMut::new();
            b.put_i32(len);
            b.put_i32(196608);
            let err = decode_startup(&mut b).unwrap_err();
            assert!(matches!(err, ProtocolError::InvalidStartupLength), "{len}");
            assert!(err.is_fatal());
        }
    }

    #[test]
    fn missing_terminator_is_a_layout_error() {
        let mut b = packet(196608, b"user\0alice");
        assert!(matches!(
            decode_startup(&mut b),
            Err(ProtocolError::StartupLayout)
        ));
        let mut b = packet(196608, b"user\0alice\0\0junk\0");
        assert!(matches!(
            decode_startup(&mut b),
            Err(ProtocolError::StartupLayout)
        ));
    }

    #[test]
    fn cancel_request() {
        let mut body = Vec::new();
        body.extend_from_slice(&42i32.to_be_bytes());
        body.extend_from_slice(&(-7i32).to_be_bytes());
        let mut b = packet(CANCEL_REQUEST_CODE, &body);
        assert_eq!(
            decode_startup(&mut b).unwrap(),
            Some(StartupPacket::CancelRequest { pid: 42, key: -7 })
        );
    }
}
