//! Bytes from a socket never panic the server or touch another session:
//! each malformed input ends that connection with an error where one can
//! be sent, and a healthy session keeps working throughout.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use bytes::BytesMut;
use common::{query_one, RawClient, Server};
use postgres_protocol::message::frontend;

fn startup_packet(version: i32, params: &[(&str, &str)]) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    for (k, v) in params {
        body.extend_from_slice(k.as_bytes());
        body.push(0);
        body.extend_from_slice(v.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut pkt = ((body.len() + 4) as i32).to_be_bytes().to_vec();
    pkt.extend_from_slice(&body);
    pkt
}

/// Sends `bytes` after a good startup; returns everything the server says
/// until it closes the connection.
fn after_startup(server: &Server, bytes: &[u8]) -> Vec<String> {
    let (mut c, _) = RawClient::startup(server.port, "postgres");
    c.send(bytes);
    c.read_to_end()
}

#[tokio::test]
async fn framing_errors_are_fatal_to_that_connection_only() {
    let server = Server::start(&[]);
    let healthy = server.connect().await;
    let cases: &[(&[u8], &str)] = &[
        (
            b"Q\0\0\0\x02",
            "ErrorResponse S=FATAL C=08P01 M=invalid message length",
        ),
        (
            b"Q\x7f\xff\xff\xff",
            "ErrorResponse S=FATAL C=08P01 M=invalid message length",
        ),
        (
            b"Q\xff\xff\xff\xfa",
            "ErrorResponse S=FATAL C=08P01 M=invalid message length",
        ),
        (
            b"S\0\0\x30\x00",
            "ErrorResponse S=FATAL C=08P01 M=invalid message length",
        ),
        (
            b"z\0\0\0\x04",
            "ErrorResponse S=FATAL C=08P01 M=invalid frontend message type 122",
        ),
        (
            b"\0",
            "ErrorResponse S=FATAL C=08P01 M=invalid frontend message type 0",
        ),
        (
            b"p\0\0\0\x09pass\0",
            "ErrorResponse S=FATAL C=08P01 M=invalid frontend message type 112",
        ),
    ];
    for (bytes, want) in cases {
        let got = after_startup(&server, bytes);
        assert_eq!(got, vec![want.to_string()], "after {bytes:?}");
    }
    assert_eq!(query_one(&healthy, "SELECT 1").await.as_deref(), Some("1"));
}

#[tokio::test]
async fn a_truncated_message_then_close_harms_nobody() {
    let server = Server::start(&[]);
    let healthy = server.connect().await;
    let (mut c, _) = RawClient::startup(server.port, "postgres");
    c.send(b"Q\0\0\0\x20SELEC");
    c.stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert!(
        c.read_to_end().is_empty(),
        "nothing to say to a client that left mid-message"
    );
    assert_eq!(query_one(&healthy, "SELECT 1").await.as_deref(), Some("1"));
}

#[tokio::test]
async fn bad_bodies_are_errors_and_the_session_goes_on() {
    let server = Server::start(&[]);
    let (mut c, _) = RawClient::startup(server.port, "postgres");
    // Invalid UTF-8 in a Query: ERROR 22021, then ReadyForQuery.
    c.send(b"Q\0\0\0\x08a\xff(\0");
    assert_eq!(
        c.read_until_ready(),
        [
            "ErrorResponse S=ERROR C=22021 M=invalid byte sequence for encoding \"UTF8\": 0xff",
            "ReadyForQuery I"
        ]
    );
    // A Query without its terminating NUL.
    c.send(b"Q\0\0\0\x07abc");
    assert_eq!(
        c.read_until_ready(),
        [
            "ErrorResponse S=ERROR C=08P01 M=invalid string in message",
            "ReadyForQuery I"
        ]
    );
    assert_eq!(c.query("SELECT 5")[1], "DataRow ['5']");
    // After an error in an extended-protocol message, input up to Sync
    // is skipped (the Bind after the failed Execute never runs).
    let mut out = BytesMut::new();
    frontend::parse("", "SELECT 1", [], &mut out).unwrap();
    frontend::execute("", 0, &mut out).unwrap();
    // Bind "" to "" with no formats, parameters or result formats.
    out.extend_from_slice(b"B\0\0\0\x0c\0\0\0\0\0\0\0\0");
    frontend::sync(&mut out);
    c.send(&out);
    assert_eq!(
        c.read_until_ready(),
        [
            "ParseComplete",
            "ErrorResponse S=ERROR C=34000 M=portal \"\" does not exist",
            "ReadyForQuery I"
        ]
    );
    // A Bind whose body is cut short: an error in its turn, after the
    // Parse before it, then nothing until Sync.
    let mut out = BytesMut::new();
    frontend::parse("", "SELECT 2", [], &mut out).unwrap();
    out.extend_from_slice(b"B\0\0\0\x06\0\0");
    frontend::execute("", 0, &mut out).unwrap();
    frontend::sync(&mut out);
    c.send(&out);
    let got = c.read_until_ready();
    assert_eq!(got[0], "ParseComplete", "{got:?}");
    assert!(
        got[1].starts_with("ErrorResponse S=ERROR C=08P01"),
        "{got:?}"
    );
    assert_eq!(got[2..], ["ReadyForQuery I"], "{got:?}");
    assert_eq!(c.query("SELECT 6")[1], "DataRow ['6']");
}

#[test]
fn startup_errors() {
    let server = Server::start(&[]);
    // No user.
    let mut c = RawClient::connect(server.port);
    c.send(&startup_packet(196608, &[("database", "postgres")]));
    assert_eq!(
        c.read_to_end(),
        ["ErrorResponse S=FATAL C=28000 M=no PostgreSQL user name specified in startup packet"]
    );
    // Protocol 2.0: PostgreSQL answers in the old protocol's format.
    let mut c = RawClient::connect(server.port);
    c.send(&startup_packet(2 << 16, &[("user", "u")]));
    assert_eq!(
        c.read_raw_to_end(),
        b"EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n\0"
    );
    // Protocol 4.0.
    let mut c = RawClient::connect(server.port);
    c.send(&startup_packet(4 << 16, &[("user", "u")]));
    assert_eq!(
        c.read_to_end(),
        ["ErrorResponse S=FATAL C=0A000 M=unsupported frontend protocol 4.0: server supports 3.0 to 3.0"]
    );
    // Length below 8 or above 10000.
    for pkt in [
        &b"\0\0\0\x03"[..],
        b"\0\0\x27\x11\0\x03\0\0",
        b"\xff\xff\xff\xff",
    ] {
        let mut c = RawClient::connect(server.port);
        c.send(pkt);
        assert_eq!(
            c.read_to_end(),
            ["ErrorResponse S=FATAL C=08P01 M=invalid length of startup packet"]
        );
    }
    // Parameters without the final terminator.
    let mut c = RawClient::connect(server.port);
    let mut pkt = startup_packet(196608, &[("user", "u")]);
    pkt.pop();
    let len = pkt.len() as i32;
    pkt[..4].copy_from_slice(&len.to_be_bytes());
    c.send(&pkt);
    assert_eq!(
        c.read_to_end(),
        ["ErrorResponse S=FATAL C=08P01 M=invalid startup packet layout: expected terminator as last byte"]
    );
    // An unknown setting in the startup packet is FATAL after AuthenticationOk.
    let mut c = RawClient::connect(server.port);
    c.send(&startup_packet(196608, &[("user", "u"), ("nosuch", "1")]));
    assert_eq!(
        c.read_to_end(),
        [
            "AuthenticationOk",
            "ErrorResponse S=FATAL C=42704 M=unrecognized configuration parameter \"nosuch\""
        ]
    );
}

#[test]
fn ssl_and_gss_requests_are_declined_then_startup_works() {
    let server = Server::start(&[]);
    let mut c = RawClient::connect(server.port);
    let mut out = BytesMut::new();
    frontend::ssl_request(&mut out);
    c.send(&out);
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut c.stream, &mut byte).unwrap();
    assert_eq!(&byte, b"N");
    // GSSENCRequest
    c.send(&[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);
    std::io::Read::read_exact(&mut c.stream, &mut byte).unwrap();
    assert_eq!(&byte, b"N");
    c.send(&startup_packet(
        196608,
        &[("user", "u"), ("database", "postgres")],
    ));
    let msgs = c.read_until_ready();
    assert_eq!(msgs.first().map(String::as_str), Some("AuthenticationOk"));
    assert_eq!(msgs.last().map(String::as_str), Some("ReadyForQuery I"));
}

#[test]
fn newer_minor_version_gets_negotiate_protocol_version() {
    let server = Server::start(&[]);
    let mut c = RawClient::connect(server.port);
    c.send(&startup_packet(
        196608 + 1,
        &[("user", "u"), ("_pq_.foo", "1")],
    ));
    let raw = {
        let mut buf = [0u8; 22];
        std::io::Read::read_exact(&mut c.stream, &mut buf).unwrap();
        buf
    };
    // The bytes PostgreSQL 15 sends: 'v', length 21 (without the type byte), 0x00030000, 1, "_pq_.foo".
    assert_eq!(&raw, b"v\0\0\0\x15\0\x03\0\0\0\0\0\x01_pq_.foo\0");
    let msgs = c.read_until_ready();
    assert_eq!(msgs.first().map(String::as_str), Some("AuthenticationOk"));
}

#[test]
fn a_silent_client_is_dropped_after_authentication_timeout() {
    // authentication_timeout is a sighup setting: set at server start.
    let server = Server::start(&["authentication_timeout=1s"]);
    let mut c = RawClient::connect(server.port);
    assert!(
        c.read_raw_to_end().is_empty(),
        "closed without a word, as PostgreSQL does"
    );
    let (mut ok, _) = RawClient::startup(server.port, "u");
    assert_eq!(ok.query("SELECT 1")[1], "DataRow ['1']");
}

/// A deterministic xorshift generator: the same bytes on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[tokio::test]
async fn random_bytes_never_take_the_server_down() {
    let server = Server::start(&[]);
    let healthy = server.connect().await;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..150 {
        let len = (rng.next() % 200) as usize + 1;
        let mut junk = rng.bytes(len);
        let mut c = if i % 2 == 0 {
            RawClient::startup(server.port, "fuzz").0
        } else {
            RawClient::connect(server.port)
        };
        c.stream
            .set_read_timeout(Some(std::time::Duration::from_millis(200)))
            .unwrap();
        if i % 3 == 0 {
            // Valid framing around a random body.
            let tag = b"QPBDECSHdcfFX"[(rng.next() % 13) as usize];
            let mut framed = vec![tag];
            framed.extend_from_slice(&((junk.len() + 4) as i32).to_be_bytes());
            framed.append(&mut junk);
            junk = framed;
        }
        c.send(&junk);
        // Whatever the answer, reading ends (close or timeout).
        let _ = c.read_raw_to_end();
    }
    assert_eq!(
        query_one(&healthy, "SELECT 'alive'").await.as_deref(),
        Some("alive")
    );
    assert!(
        !server.log_text().contains("panicked"),
        "a backend panicked:\n{}",
        server.log_text()
    );
}
