//! Frontend (client to server) messages after the startup packet.
//!
//! ```text
//! byte type | int32 length (including itself, not the type) | body
//! ```
//! The type byte is checked before the length, as PostgreSQL's SocketBackend
//! does, so an unknown type is reported even when no length follows.

use bytes::{Bytes, BytesMut};

use crate::reader::Reader;
use crate::ProtocolError;

/// The largest body of a message that may carry data (Query, Parse, Bind,
/// CopyData, FunctionCall, password): PostgreSQL's PQ_LARGE_MESSAGE_LIMIT.
pub const MAX_MESSAGE_LEN: usize = 0x3fff_ffff;
/// The largest body of a control message (Sync, Describe, Close, ...):
/// PostgreSQL's PQ_SMALL_MESSAGE_LIMIT.
const MAX_SMALL_MESSAGE_LEN: usize = 10000;

/// What a Describe or Close names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// 'S': a prepared statement.
    Statement,
    /// 'P': a portal.
    Portal,
}

/// One decoded frontend message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontendMessage {
    /// 'Q': simple query; may hold several statements.
    Query(String),
    /// 'P': prepare `query` as statement `name` ("" is the unnamed one).
    Parse {
        /// Statement name.
        name: String,
        /// SQL text with $n placeholders.
        query: String,
        /// Parameter type OIDs the client fixed (0 = infer).
        param_types: Vec<u32>,
    },
    /// 'B': bind parameters to a statement, making a portal.
    Bind {
        /// Portal name.
        portal: String,
        /// Statement name.
        statement: String,
        /// Parameter format codes (0 text, 1 binary); none, one for all, or one each.
        param_formats: Vec<i16>,
        /// Parameter values; None is NULL.
        params: Vec<Option<Bytes>>,
        /// Result column format codes, same convention as param_formats.
        result_formats: Vec<i16>,
    },
    /// 'D': describe a statement or portal.
    Describe {
        /// Statement or portal.
        kind: TargetKind,
        /// Its name.
        name: String,
    },
    /// 'E': run a portal, at most `max_rows` rows (0 = all).
    Execute {
        /// Portal name.
        portal: String,
        /// Row limit; 0 means no limit.
        max_rows: i32,
    },
    /// 'C': close a statement or portal.
    Close {
        /// Statement or portal.
        kind: TargetKind,
        /// Its name.
        name: String,
    },
    /// 'S': end of an extended-query batch.
    Sync,
    /// 'H': send what is buffered.
    Flush,
    /// 'd': COPY FROM STDIN data.
    CopyData(Bytes),
    /// 'c': COPY FROM STDIN ends.
    CopyDone,
    /// 'f': COPY FROM STDIN failed on the client side.
    CopyFail(String),
    /// 'F': the fast-path function call interface.
    FunctionCall {
        /// The function's OID.
        function: u32,
        /// Argument format codes.
        arg_formats: Vec<i16>,
        /// Argument values; None is NULL.
        args: Vec<Option<Bytes>>,
        /// Result format code.
        result_format: i16,
    },
    /// 'p': a password, SASLInitialResponse or SASLResponse. Which one
    /// depends on the authentication exchange, so the body stays raw; see
    /// [`FrontendMessage::password`] and friends.
    AuthResponse(Bytes),
    /// 'X': the client is leaving.
    Terminate,
}

impl FrontendMessage {
    /// Reads an AuthResponse body as a PasswordMessage.
    pub fn password(body: &[u8]) -> Result<String, ProtocolError> {
        let mut r = Reader::new(body);
        let s = r.cstr()?;
        r.finish()?;
        Ok(s)
    }

    /// Reads an AuthResponse body as a SASLInitialResponse: mechanism and
    /// initial client response (None when the length is -1).
    pub fn sasl_initial(body: &[u8]) -> Result<(String, Option<Bytes>), ProtocolError> {
        let mut r = Reader::new(body);
        let mechanism = r.cstr()?;
        let data = r.value()?;
        r.finish()?;
        Ok((mechanism, data))
    }
}

/// Decodes one message from the front of `buf`; `Ok(None)` when more bytes
/// are needed. A non-fatal error has consumed its frame.
pub fn decode_message(buf: &mut BytesMut) -> Result<Option<FrontendMessage>, ProtocolError> {
    let Some(&tag) = buf.first() else {
        return Ok(None);
    };
    let limit = match tag {
        b'Q' | b'P' | b'B' | b'd' | b'F' | b'p' => MAX_MESSAGE_LEN,
        b'D' | b'E' | b'C' | b'S' | b'H' | b'c' | b'f' | b'X' => MAX_SMALL_MESSAGE_LEN,
        other => return Err(ProtocolError::UnknownMessageType(other)),
    };
    if buf.len() < 5 {
        return Ok(None);
    }
    let len = i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
    let body_len = usize::try_from(len)
        .ok()
        .and_then(|l| l.checked_sub(4))
        .filter(|&l| l <= limit)
        .ok_or(ProtocolError::InvalidLength)?;
    if buf.len() < 5 + body_len {
        buf.reserve(5 + body_len - buf.len());
        return Ok(None);
    }
    let frame = buf.split_to(5 + body_len).freeze();
    decode_body(tag, frame.slice(5..)).map(Some)
}

fn decode_body(tag: u8, body: Bytes) -> Result<FrontendMessage, ProtocolError> {
    let mut r = Reader::new(&body);
    let msg = match tag {
        b'Q' => FrontendMessage::Query(r.cstr()?),
        b'P' => {
            let name = r.cstr()?;
            let query = r.cstr()?;
            let n = r.count16()?;
            let mut param_types = Vec::with_capacity(n.min(body.len() / 4));
            for _ in 0..n {
                param_types.push(r.u32()?);
            }
            FrontendMessage::Parse {
                name,
                query,
                param_types,
            }
        }
        b'B' => {
            let portal = r.cstr()?;
            let statement = r.cstr()?;
            let param_formats = formats(&mut r, body.len())?;
            let params = values(&mut r, body.len())?;
            let result_formats = formats(&mut r, body.len())?;
            FrontendMessage::Bind {
                portal,
                statement,
                param_formats,
                params,
                result_formats,
            }
        }
        b'D' | b'C' => {
            let kind = match r.u8()? {
                b'S' => TargetKind::Statement,
                b'P' => TargetKind::Portal,
                _ => return Err(ProtocolError::InvalidFormat),
            };
            let name = r.cstr()?;
            if tag == b'D' {
                FrontendMessage::Describe { kind, name }
            } else {
                FrontendMessage::Close { kind, name }
            }
        }
        b'E' => FrontendMessage::Execute {
            portal: r.cstr()?,
            max_rows: r.i32()?,
        },
        b'S' => FrontendMessage::Sync,
        b'H' => FrontendMessage::Flush,
        b'd' => FrontendMessage::CopyData(body.clone()),
        b'c' => FrontendMessage::CopyDone,
        b'f' => FrontendMessage::CopyFail(r.cstr()?),
        b'F' => {
            let function = r.u32()?;
            let arg_formats = formats(&mut r, body.len())?;
            let args = values(&mut r, body.len())?;
            let result_format = r.i16()?;
            FrontendMessage::FunctionCall {
                function,
                arg_formats,
                args,
                result_format,
            }
        }
        b'p' => FrontendMessage::AuthResponse(body.clone()),
        b'X' => FrontendMessage::Terminate,
        other => return Err(ProtocolError::UnknownMessageType(other)),
    };
    if !matches!(
        msg,
        FrontendMessage::CopyData(_) | FrontendMessage::AuthResponse(_)
    ) {
        r.finish()?;
    }
    Ok(msg)
}

/// An int16 count then that many int16 format codes.
fn formats(r: &mut Reader<'_>, body_len: usize) -> Result<Vec<i16>, ProtocolError> {
    let n = r.count16()?;
    let mut out = Vec::with_capacity(n.min(body_len / 2));
    for _ in 0..n {
        out.push(r.i16()?);
    }
    Ok(out)
}

/// An int16 count then that many length-prefixed values.
fn values(r: &mut Reader<'_>, body_len: usize) -> Result<Vec<Option<Bytes>>, ProtocolError> {
    let n = r.count16()?;
    let mut out = Vec::with_capacity(n.min(body_len / 4));
    for _ in 0..n {
        out.push(r.value()?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BufMut;
    use postgres_protocol::message::frontend;
    use proptest::prelude::*;

    fn decode_all(mut buf: BytesMut) -> FrontendMessage {
        let msg = decode_message(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty(), "decoder left {} bytes", buf.len());
        msg
    }

    #[test]
    fn unknown_type_is_fatal_before_length() {
        let mut b = BytesMut::from(&b"z"[..]);
        let err = decode_message(&mut b).unwrap_err();
        assert!(err.is_fatal());
        assert_eq!(err.to_string(), "invalid frontend message type 122");
    }

    #[test]
    fn lengths_below_four_or_too_large_are_fatal() {
        for (tag, len) in [(b'Q', 3i32), (b'Q', -5), (b'Q', 0x4000_0004), (b'S', 10005)] {
            let mut b = BytesMut::new();
            b.put_u8(tag);
            b.put_i32(len);
            let err = decode_message(&mut b).unwrap_err();
            assert!(matches!(err, ProtocolError::InvalidLength), "{len}");
            assert!(err.is_fatal());
        }
    }

    #[test]
    fn truncated_message_waits_for_more() {
        let mut full = BytesMut::new();
        frontend::query("SELECT 1", &mut full).unwrap();
        for cut in 0..full.len() {
            let mut b = BytesMut::from(&full[..cut]);
            assert_eq!(decode_message(&mut b).unwrap(), None, "cut at {cut}");
        }
    }

    #[test]
    fn bad_utf8_is_not_fatal_and_consumes_the_frame() {
        let mut b = BytesMut::new();
        b.put_u8(b'Q');
        b.put_i32(4 + 4);
        b.put_slice(b"a\xe2(\0");
        frontend::sync(&mut b);
        let err = decode_message(&mut b).unwrap_err();
        assert!(!err.is_fatal());
        assert_eq!(
            err.to_string(),
            "invalid byte sequence for encoding \"UTF8\": 0xe2 0x28"
        );
        assert_eq!(decode_message(&mut b).unwrap(), Some(FrontendMessage::Sync));
    }

    #[test]
    fn query_without_nul_is_invalid_string() {
        let mut b = BytesMut::new();
        b.put_u8(b'Q');
        b.put_i32(4 + 3);
        b.put_slice(b"abc");
        assert!(matches!(
            decode_message(&mut b),
            Err(ProtocolError::InvalidString)
        ));
        assert!(b.is_empty());
    }

    #[test]
    fn trailing_bytes_are_invalid_format() {
        let mut b = BytesMut::new();
        b.put_u8(b'S');
        b.put_i32(4 + 1);
        b.put_u8(0);
        assert!(matches!(
            decode_message(&mut b),
            Err(ProtocolError::InvalidFormat)
        ));
    }

    #[test]
    fn password_and_sasl_bodies() {
        let mut b = BytesMut::new();
        frontend::password_message(b"secret", &mut b).unwrap();
        let FrontendMessage::AuthResponse(body) = decode_all(b) else {
            panic!("not an auth response")
        };
        assert_eq!(FrontendMessage::password(&body).unwrap(), "secret");

        let mut b = BytesMut::new();
        frontend::sasl_initial_response("SCRAM-SHA-256", b"n,,n=,r=abc", &mut b).unwrap();
        let FrontendMessage::AuthResponse(body) = decode_all(b) else {
            panic!("not an auth response")
        };
        let (mech, data) = FrontendMessage::sasl_initial(&body).unwrap();
        assert_eq!(mech, "SCRAM-SHA-256");
        assert_eq!(data.as_deref(), Some(&b"n,,n=,r=abc"[..]));
    }

    #[test]
    fn simple_messages_round_trip() {
        type Encode = Box<dyn Fn(&mut BytesMut)>;
        let cases: Vec<(Encode, FrontendMessage)> = vec![
            (Box::new(frontend::sync), FrontendMessage::Sync),
            (Box::new(frontend::flush), FrontendMessage::Flush),
            (Box::new(frontend::terminate), FrontendMessage::Terminate),
            (Box::new(frontend::copy_done), FrontendMessage::CopyDone),
            (
                Box::new(|b| frontend::copy_fail("oops", b).unwrap()),
                FrontendMessage::CopyFail("oops".into()),
            ),
        ];
        for (encode, want) in cases {
            let mut b = BytesMut::new();
            encode(&mut b);
            assert_eq!(decode_all(b), want);
        }
    }

    #[test]
    fn function_call_decodes() {
        let mut b = BytesMut::new();
        let mut body = BytesMut::new();
        body.put_u32(1598);
        body.put_i16(1);
        body.put_i16(0);
        body.put_i16(2);
        body.put_i32(2);
        body.put_slice(b"42");
        body.put_i32(-1);
        body.put_i16(0);
        b.put_u8(b'F');
        b.put_i32(4 + body.len() as i32);
        b.put_slice(&body);
        assert_eq!(
            decode_all(b),
            FrontendMessage::FunctionCall {
                function: 1598,
                arg_formats: vec![0],
                args: vec![Some(Bytes::from_static(b"42")), None],
                result_format: 0,
            }
        );
    }

    fn text() -> impl Strategy<Value = String> {
        "[^\u{0}]{0,40}"
    }

    proptest! {
        #[test]
        fn query_round_trips(q in text()) {
            let mut b = BytesMut::new();
            frontend::query(&q, &mut b).unwrap();
            prop_assert_eq!(decode_all(b), FrontendMessage::Query(q));
        }

        #[test]
        fn parse_round_trips(name in text(), q in text(), types in prop::collection::vec(any::<u32>(), 0..8)) {
            let mut b = BytesMut::new();
            frontend::parse(&name, &q, types.iter().copied(), &mut b).unwrap();
            prop_assert_eq!(decode_all(b), FrontendMessage::Parse { name, query: q, param_types: types });
        }

        #[test]
        fn bind_round_trips(
            portal in text(),
            stmt in text(),
            pformats in prop::collection::vec(0i16..2, 0..4),
            params in prop::collection::vec(prop::option::of(prop::collection::vec(any::<u8>(), 0..16)), 0..6),
            rformats in prop::collection::vec(0i16..2, 0..4),
        ) {
            let mut b = BytesMut::new();
            frontend::bind(
                &portal,
                &stmt,
                pformats.iter().copied(),
                params.iter(),
                |p, out| match p {
                    Some(v) => { out.put_slice(v); Ok(postgres_protocol::IsNull::No) }
                    None => Ok(postgres_protocol::IsNull::Yes),
                },
                rformats.iter().copied(),
                &mut b,
            ).map_err(|_| TestCaseError::fail("encode"))?;
            let want = FrontendMessage::Bind {
                portal,
                statement: stmt,
                param_formats: pformats,
                params: params.into_iter().map(|p| p.map(Bytes::from)).collect(),
                result_formats: rformats,
            };
            prop_assert_eq!(decode_all(b), want);
        }

        #[test]
        fn describe_close_execute_round_trip(name in text(), statement in any::<bool>(), max_rows in any::<i32>()) {
            let (code, kind) = if statement { (b'S', TargetKind::Statement) } else { (b'P', TargetKind::Portal) };
            let mut b = BytesMut::new();
            frontend::describe(code, &name, &mut b).unwrap();
            prop_assert_eq!(decode_all(b), FrontendMessage::Describe { kind, name: name.clone() });
            let mut b = BytesMut::new();
            frontend::close(code, &name, &mut b).unwrap();
            prop_assert_eq!(decode_all(b), FrontendMessage::Close { kind, name: name.clone() });
            let mut b = BytesMut::new();
            frontend::execute(&name, max_rows, &mut b).unwrap();
            prop_assert_eq!(decode_all(b), FrontendMessage::Execute { portal: name, max_rows });
        }

        #[test]
        fn copy_data_round_trips(data in prop::collection::vec(any::<u8>(), 0..64)) {
            let mut b = BytesMut::new();
            frontend::CopyData::new(&data[..]).unwrap().write(&mut b);
            prop_assert_eq!(decode_all(b), FrontendMessage::CopyData(Bytes::from(data)));
        }

        /// Random bytes never panic the decoder, and every outcome is one of
        /// the three documented ones.
        #[test]
        fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..256)) {
            let mut b = BytesMut::from(&data[..]);
            for _ in 0..64 {
                match decode_message(&mut b) {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(e) if e.is_fatal() => break,
                    Err(_) => continue,
                }
            }
        }

        /// Valid framing with a random body: never a panic, never a fatal
        /// error, and the frame is always consumed.
        #[test]
        fn random_bodies_never_lose_framing(tag in prop::sample::select(b"QPBDECSHdcfFpX".to_vec()), body in prop::collection::vec(any::<u8>(), 0..128)) {
            let mut b = BytesMut::new();
            b.put_u8(tag);
            b.put_i32(4 + body.len() as i32);
            b.put_slice(&body);
            if let Err(e) = decode_message(&mut b) {
                prop_assert!(!e.is_fatal(), "{e}");
            }
            prop_assert!(b.is_empty());
        }
    }
}
