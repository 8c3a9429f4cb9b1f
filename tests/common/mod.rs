//! Shared helpers for the end-to-end tests: start the real `actorgres`
//! binary on free loopback ports with a fresh data directory, and talk to
//! it with real clients (tokio-postgres, psql, a raw protocol client).
#![allow(dead_code)]
// Test helpers poll from plain test threads, never from an arbiter; a
// failed unwrap here is a failed test.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::{BufMut, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::{ErrorFields, Message};
use postgres_protocol::message::frontend;
use postgres_protocol::IsNull;

/// A free TCP port on 127.0.0.1 (the OS picks it; it is released at
/// once, so a small race with other processes remains).
pub fn free_port() -> u16 {
    free_ports::<1>()[0]
}

/// `N` distinct free ports: all are held open while choosing, so the OS
/// cannot hand out the same one twice.
pub fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    std::array::from_fn(|i| held[i].local_addr().expect("bound").port())
}

/// A running actorgres.
pub struct Server {
    /// The process.
    pub child: Child,
    /// PostgreSQL port.
    pub port: u16,
    /// Introspection port.
    pub http_port: u16,
    /// Data directory (removed when the server is dropped).
    pub data: tempfile::TempDir,
    /// Where the server's stderr goes.
    pub log: PathBuf,
}

impl Server {
    /// Starts a server with extra `-c name=value` settings.
    pub fn start(settings: &[&str]) -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        Self::start_in(data, settings)
    }

    /// Starts a server on an existing data directory. A port another
    /// test took between free_ports and the server's bind is tried
    /// again with new ones.
    pub fn start_in(data: tempfile::TempDir, settings: &[&str]) -> Server {
        let mut data = data;
        for _ in 0..4 {
            match Self::try_start_in(data, settings) {
                Ok(server) => return server,
                Err(d) => data = d,
            }
        }
        match Self::try_start_in(data, settings) {
            Ok(server) => server,
            Err(_) => panic!("actorgres could not bind its ports"),
        }
    }

    /// One start; the data directory back when a port was taken.
    fn try_start_in(
        data: tempfile::TempDir,
        settings: &[&str],
    ) -> Result<Server, tempfile::TempDir> {
        let [port, http_port] = free_ports::<2>();
        let log = data.path().with_extension("log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_actorgres"));
        cmd.arg("start")
            .arg("-D")
            .arg(data.path().join("pgdata"))
            .arg("-p")
            .arg(port.to_string())
            .arg("-h")
            .arg("127.0.0.1")
            .arg("-c")
            .arg(format!("introspection_listen=127.0.0.1:{http_port}"));
        for s in settings {
            cmd.arg("-c").arg(s);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start actorgres");
        let mut server = Server {
            child,
            port,
            http_port,
            data,
            log,
        };
        if server.wait_ready() {
            Ok(server)
        } else {
            // Dropping a Server kills its child and keeps nothing else:
            // take the directory back first.
            let data = std::mem::replace(&mut server.data, tempfile::tempdir().expect("temp dir"));
            Err(data)
        }
    }

    /// Waits until the server listens; false when it exited because a
    /// port was taken.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = self.log_text();
                if log.contains("Address already in use") {
                    return false;
                }
                panic!("actorgres exited with {status}: {log}");
            }
            // Ready once both sockets answer and the log says so.
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && TcpStream::connect(("127.0.0.1", self.http_port)).is_ok()
                && self.log_text().contains("ready to accept connections")
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("actorgres did not start listening: {}", self.log_text());
    }

    /// The server's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A tokio-postgres connection string.
    pub fn conninfo(&self, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={user} dbname=postgres application_name=tests",
            self.port
        )
    }

    /// Connects with tokio-postgres, driving the connection on a task.
    pub async fn connect(&self) -> tokio_postgres::Client {
        match tokio_postgres::connect(&self.conninfo("postgres"), tokio_postgres::NoTls).await {
            Ok((client, conn)) => {
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                client
            }
            Err(e) => panic!(
                "connect to port {}: {e:?}\nserver log:\n{}",
                self.port,
                self.log_text()
            ),
        }
    }

    /// Sends a signal (TERM, INT, QUIT) to the server process.
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg("-s")
            .arg(sig)
            .arg(self.child.id().to_string())
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -s {sig} failed");
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Starts the server again on the same data directory once this one
    /// has exited (or kills it first), with `settings`.
    pub fn restart(mut self, settings: &[&str]) -> Server {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let data = std::mem::replace(&mut self.data, tempfile::tempdir().expect("temp dir"));
        drop(self);
        Self::start_in(data, settings)
    }

    /// GET `path` from the introspection endpoint: (status, body).
    pub fn http_get(&self, path: &str) -> (u16, String) {
        http_get(self.http_port, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET: (status, body).
pub fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to http");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read response");
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Connects with tokio-postgres.
pub async fn connect_to(conninfo: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect {conninfo}: {e}"));
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// The first value of the first row of a simple query.
pub async fn query_one(client: &tokio_postgres::Client, sql: &str) -> Option<String> {
    for m in client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    {
        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
            return r.get(0).map(str::to_owned);
        }
    }
    panic!("{sql}: no row")
}

/// SQLSTATE and message of a failing simple query.
pub async fn query_error(client: &tokio_postgres::Client, sql: &str) -> (String, String) {
    let e = client
        .simple_query(sql)
        .await
        .expect_err("the query must fail");
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("{sql}: not a server error: {e}"));
    (db.code().code().to_owned(), db.message().to_owned())
}

/// True if `program` can be run.
pub fn have_program(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// psql, where Debian or the PATH has it.
pub fn psql() -> Option<PathBuf> {
    pg_program("psql")
}

/// `program` (psql, pgbench, pg_dump ...) set to reach `server` as user
/// postgres over TCP.
pub fn client(server: &Server, program: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(program);
    c.args([
        "-h",
        "127.0.0.1",
        "-p",
        &server.port.to_string(),
        "-U",
        "postgres",
    ]);
    c
}

/// A PostgreSQL client program (psql, pgbench, pg_dump), where Debian
/// or the PATH has it.
pub fn pg_program(name: &str) -> Option<PathBuf> {
    let debian = Path::new("/usr/lib/postgresql/15/bin").join(name);
    if debian.exists() {
        return Some(debian);
    }
    have_program(name).then(|| PathBuf::from(name))
}

/// A client speaking the protocol message by message, for golden files
/// and malformed input.
pub struct RawClient {
    /// The socket.
    pub stream: TcpStream,
    /// Bytes read but not parsed yet.
    buf: BytesMut,
}

impl RawClient {
    /// Connects without sending anything.
    pub fn connect(port: u16) -> RawClient {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        RawClient {
            stream,
            buf: BytesMut::new(),
        }
    }

    /// Connects and completes the startup exchange as `user`.
    pub fn startup(port: u16, user: &str) -> (RawClient, Vec<String>) {
        Self::startup_db(port, user, "postgres")
    }

    /// Completes startup as `user` on `database`.
    pub fn startup_db(port: u16, user: &str, database: &str) -> (RawClient, Vec<String>) {
        let mut c = Self::connect(port);
        let mut out = BytesMut::new();
        frontend::startup_message(
            [
                ("user", user),
                ("database", database),
                ("application_name", "raw"),
            ],
            &mut out,
        )
        .expect("startup message");
        c.send(&out);
        let msgs = c.read_until_ready();
        (c, msgs)
    }

    /// Connects to a database `name` made afresh (dropped first if it
    /// exists), for golden transcripts that create objects.
    pub fn fresh_database(port: u16, name: &str) -> RawClient {
        let (mut admin, _) = Self::startup(port, "postgres");
        admin.query(&format!("DROP DATABASE IF EXISTS {name}"));
        let created = admin.query(&format!("CREATE DATABASE {name}"));
        assert!(
            created
                .iter()
                .any(|l| l == "CommandComplete CREATE DATABASE"),
            "{created:?}"
        );
        Self::startup_db(port, "postgres", name).0
    }

    /// Sends messages in one write and reads the answers up to
    /// ReadyForQuery: one block of a golden transcript.
    pub fn exchange(&mut self, msgs: &[Msg]) -> String {
        self.send(&encode(msgs));
        self.read_until_ready().join("\n")
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Sends a simple Query.
    pub fn query(&mut self, sql: &str) -> Vec<String> {
        self.send_query(sql);
        self.read_until_ready()
    }

    /// Sends simple Queries in one write, without reading the answers
    /// (a client that pipelines).
    pub fn send_queries(&mut self, queries: &[&str]) {
        let mut out = BytesMut::new();
        for sql in queries {
            frontend::query(sql, &mut out).expect("query");
        }
        self.send(&out);
    }

    /// Sends a simple Query without reading the answer.
    pub fn send_query(&mut self, sql: &str) {
        let mut out = BytesMut::new();
        frontend::query(sql, &mut out).expect("query");
        self.send(&out);
    }

    /// The next message, rendered; None at end of stream.
    pub fn next(&mut self) -> Option<String> {
        loop {
            match Message::parse(&mut self.buf) {
                Ok(Some(m)) => return Some(render(m)),
                Ok(None) => {}
                Err(e) => return Some(format!("<unparsable: {e}>")),
            }
            let mut chunk = [0u8; 8192];
            match self.stream.read(&mut chunk) {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Reads messages up to and including ReadyForQuery, or to the end.
    pub fn read_until_ready(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(m) = self.next() {
            let done = m.starts_with("ReadyForQuery");
            out.push(m);
            if done {
                break;
            }
        }
        out
    }

    /// Reads everything until the server closes the connection.
    pub fn read_to_end(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(m) = self.next() {
            out.push(m);
        }
        out
    }

    /// Raw bytes until the server closes.
    pub fn read_raw_to_end(&mut self) -> Vec<u8> {
        let mut out = self.buf.split().to_vec();
        let _ = self.stream.read_to_end(&mut out);
        out
    }
}

fn error_fields(mut fields: ErrorFields<'_>) -> String {
    let mut parts = Vec::new();
    while let Ok(Some(f)) = fields.next() {
        // File, line and routine name PostgreSQL's source, not behaviour.
        if matches!(f.type_(), b'S' | b'C' | b'M' | b'D' | b'H' | b'P') {
            parts.push(format!(
                "{}={}",
                f.type_() as char,
                String::from_utf8_lossy(f.value_bytes())
            ));
        }
    }
    parts.join(" ")
}

/// One backend message as a line of text.
pub fn render(m: Message) -> String {
    match m {
        Message::AuthenticationOk => "AuthenticationOk".into(),
        Message::BackendKeyData(_) => "BackendKeyData".into(),
        Message::ParameterStatus(b) => format!(
            "ParameterStatus {}={}",
            b.name().unwrap_or("?"),
            b.value().unwrap_or("?")
        ),
        Message::ReadyForQuery(b) => format!("ReadyForQuery {}", b.status() as char),
        Message::RowDescription(b) => {
            let cols: Vec<String> = b
                .fields()
                .map(|f| {
                    Ok(format!(
                        "{}(type={},len={},typmod={},fmt={})",
                        f.name(),
                        f.type_oid(),
                        f.type_size(),
                        f.type_modifier(),
                        f.format()
                    ))
                })
                .collect()
                .unwrap_or_default();
            format!("RowDescription {}", cols.join(" | "))
        }
        Message::DataRow(b) => {
            let buf = b.buffer();
            let vals: Vec<String> = b
                .ranges()
                .map(|r| {
                    Ok(match r {
                        Some(r) => value_text(&buf[r]),
                        None => "NULL".into(),
                    })
                })
                .collect()
                .unwrap_or_default();
            format!("DataRow [{}]", vals.join(", "))
        }
        Message::CommandComplete(b) => format!("CommandComplete {}", b.tag().unwrap_or("?")),
        Message::EmptyQueryResponse => "EmptyQueryResponse".into(),
        Message::ErrorResponse(b) => format!("ErrorResponse {}", error_fields(b.fields())),
        Message::NoticeResponse(b) => format!("NoticeResponse {}", error_fields(b.fields())),
        Message::NoData => "NoData".into(),
        Message::ParseComplete => "ParseComplete".into(),
        Message::BindComplete => "BindComplete".into(),
        Message::CloseComplete => "CloseComplete".into(),
        Message::PortalSuspended => "PortalSuspended".into(),
        Message::ParameterDescription(b) => {
            let oids: Vec<String> = b
                .parameters()
                .map(|o| Ok(o.to_string()))
                .collect()
                .unwrap_or_default();
            format!("ParameterDescription [{}]", oids.join(", "))
        }
        Message::CopyInResponse(b) => format!(
            "CopyInResponse format={} columns={:?}",
            b.format(),
            b.column_formats().collect::<Vec<u16>>().unwrap_or_default()
        ),
        Message::CopyOutResponse(b) => format!(
            "CopyOutResponse format={} columns={:?}",
            b.format(),
            b.column_formats().collect::<Vec<u16>>().unwrap_or_default()
        ),
        Message::CopyData(b) => format!("CopyData {}", value_text(b.data())),
        Message::CopyDone => "CopyDone".into(),
        Message::NotificationResponse(b) => format!(
            "NotificationResponse {} {}",
            b.channel().unwrap_or("?"),
            b.message().unwrap_or("?")
        ),
        _ => "<other message>".into(),
    }
}

/// A value as text, quoted; bytes that are not readable text (binary
/// formats) in hex.
fn value_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\t' && c != '\n') => {
            format!("'{s}'")
        }
        _ => {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("\\x{hex}")
        }
    }
}

/// One frontend message.
pub enum Msg {
    /// Simple Query.
    Q(&'static str),
    /// Parse: statement name, text, parameter type OIDs.
    P(&'static str, &'static str, &'static [u32]),
    /// Bind: portal, statement, parameter formats, values, result formats.
    B(
        &'static str,
        &'static str,
        &'static [i16],
        Vec<Option<&'static [u8]>>,
        &'static [i16],
    ),
    /// Describe statement.
    Ds(&'static str),
    /// Describe portal.
    Dp(&'static str),
    /// Execute portal with a row limit.
    E(&'static str, i32),
    /// Close statement.
    Cs(&'static str),
    /// Close portal.
    Cp(&'static str),
    /// Sync.
    S,
    /// CopyData.
    Data(&'static [u8]),
    /// CopyDone.
    Done,
    /// CopyFail with a message.
    Fail(&'static str),
}

/// Text parameters.
pub fn t(values: &[&'static str]) -> Vec<Option<&'static [u8]>> {
    values.iter().map(|v| Some(v.as_bytes())).collect()
}

pub fn encode(msgs: &[Msg]) -> BytesMut {
    let mut out = BytesMut::new();
    for m in msgs {
        use Msg::*;
        match m {
            Q(sql) => frontend::query(sql, &mut out).unwrap(),
            P(name, sql, types) => {
                frontend::parse(name, sql, types.iter().copied(), &mut out).unwrap()
            }
            B(portal, stmt, pf, values, rf) => frontend::bind(
                portal,
                stmt,
                pf.iter().copied(),
                values.iter(),
                |v, buf| match v {
                    Some(bytes) => {
                        buf.put_slice(bytes);
                        Ok(IsNull::No)
                    }
                    None => Ok(IsNull::Yes),
                },
                rf.iter().copied(),
                &mut out,
            )
            .map_err(|_| "bind")
            .unwrap(),
            Ds(name) => frontend::describe(b'S', name, &mut out).unwrap(),
            Dp(name) => frontend::describe(b'P', name, &mut out).unwrap(),
            E(portal, n) => frontend::execute(portal, *n, &mut out).unwrap(),
            Cs(name) => frontend::close(b'S', name, &mut out).unwrap(),
            Cp(name) => frontend::close(b'P', name, &mut out).unwrap(),
            S => frontend::sync(&mut out),
            Data(d) => frontend::CopyData::new(*d).unwrap().write(&mut out),
            Done => frontend::copy_done(&mut out),
            Fail(m) => frontend::copy_fail(m, &mut out).unwrap(),
        }
    }
    out
}

/// The reference PostgreSQL 15 port, if one answers (see
/// ../shared/tools/refpg); used to record golden files.
pub fn refpg_port() -> Option<u16> {
    let port = std::env::var("REFPG_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(55499);
    TcpStream::connect(("127.0.0.1", port)).ok().map(|_| port)
}

/// Compares `run`'s transcript with golden file `file` (relative to the
/// crate), or records it from the reference server with
/// UPDATE_GOLDENFILES=1; GOLDEN_TARGET=refpg checks the file against the
/// reference server instead of actorgres. Transcripts are blocks separated
/// by blank lines; a failure shows the blocks that differ.
pub fn check_golden(file: &str, run: impl Fn(u16) -> String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    if std::env::var_os("UPDATE_GOLDENFILES").is_some() {
        let port = refpg_port()
            .expect("UPDATE_GOLDENFILES needs the reference server: ../shared/tools/refpg start");
        std::fs::write(&path, run(port)).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("golden file");
    let got = if std::env::var("GOLDEN_TARGET").as_deref() == Ok("refpg") {
        run(refpg_port().expect("GOLDEN_TARGET=refpg needs the reference server"))
    } else {
        let server = Server::start(&[]);
        run(server.port)
    };
    let diff: Vec<String> = want
        .split("\n\n")
        .zip(got.split("\n\n"))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("PostgreSQL 15:\n{a}\nactorgres:\n{b}\n"))
        .collect();
    assert!(
        diff.is_empty() && want.len() == got.len(),
        "{} answers differ from PostgreSQL 15's:\n{}",
        diff.len(),
        diff.join("\n")
    );
}
