//! Sessions through tokio-postgres against the real binary: queries,
//! errors, pg_stat_activity, cancel, statement_timeout, concurrency,
//! max_connections and terminate.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use common::{connect_to, query_error, query_one, RawClient, Server};
use postgres_protocol::message::frontend;
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::{NoTls, SimpleQueryMessage};

fn rows(msgs: &[SimpleQueryMessage]) -> Vec<Vec<Option<String>>> {
    msgs.iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect()
}

/// Runs `sql`; on a server error rolls back and returns its SQLSTATE
/// (anything but a server error fails the test).
async fn run_or_roll_back(c: &tokio_postgres::Client, sql: &str) -> Option<String> {
    let e = c.batch_execute(sql).await.err()?;
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error on {sql}: {e}"));
    let code = db.code().code().to_owned();
    let _ = c.batch_execute("ROLLBACK").await;
    Some(code)
}

/// A seeded xorshift generator: `next(n)` is in 0..n.
fn seeded(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}

/// Polls `f` until it returns true; gives up (false) after ~20 s. Only
/// used to wait for a state, never to assert a duration.
async fn eventually<F, Fut>(mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..400 {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Waits until backend `pid` runs a query (state 'active').
async fn wait_active(observer: &tokio_postgres::Client, pid: &str) {
    let sql = format!("select state from pg_stat_activity where pid = {pid}");
    let ok = eventually(|| async {
        let msgs = observer.simple_query(&sql).await.unwrap();
        rows(&msgs).first().and_then(|r| r[0].clone()).as_deref() == Some("active")
    })
    .await;
    assert!(ok, "backend {pid} never became active");
}

#[tokio::test]
async fn queries_errors_and_positions() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    assert_eq!(query_one(&c, "SELECT 1").await.as_deref(), Some("1"));
    let msgs = c.simple_query("SELECT 1; SELECT 2 AS b;").await.unwrap();
    assert_eq!(
        rows(&msgs),
        vec![vec![Some("1".into())], vec![Some("2".into())]]
    );
    assert!(rows(&c.simple_query("").await.unwrap()).is_empty());

    let e = c.simple_query("SELECT 1 +").await.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code().code(), "42601");
    assert_eq!(db.message(), "syntax error at end of input");
    assert_eq!(db.position(), Some(&ErrorPosition::Original(11)));

    let e = c.simple_query("SELECT nosuchfn(1)").await.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code().code(), "42883");
    assert_eq!(db.position(), Some(&ErrorPosition::Original(8)));

    // The session is still usable after errors.
    assert_eq!(
        query_one(&c, "SELECT 'still here'").await.as_deref(),
        Some("still here")
    );
}

#[tokio::test]
async fn settings_show_set_reset() {
    let server = Server::start(&["work_mem=8MB"]);
    let c = server.connect().await;
    assert_eq!(query_one(&c, "SHOW work_mem").await.as_deref(), Some("8MB"));
    assert!(query_one(&c, "SHOW server_version")
        .await
        .unwrap()
        .starts_with("15."));
    c.simple_query("SET application_name = 'x'").await.unwrap();
    assert_eq!(
        query_one(&c, "SHOW application_name").await.as_deref(),
        Some("x")
    );
    c.simple_query("RESET application_name").await.unwrap();
    assert_eq!(
        query_one(&c, "SHOW application_name").await.as_deref(),
        Some("tests")
    );
    c.simple_query("SET work_mem = '1MB'").await.unwrap();
    c.simple_query("RESET ALL").await.unwrap();
    assert_eq!(
        query_one(&c, "SHOW work_mem").await.as_deref(),
        Some("8MB"),
        "RESET goes back to the server's value"
    );
    let all = c.simple_query("SHOW ALL").await.unwrap();
    let all = rows(&all);
    assert!(all.len() > 50);
    assert!(all
        .iter()
        .any(|r| r[0].as_deref() == Some("work_mem") && r[1].as_deref() == Some("8MB")));
    assert_eq!(query_error(&c, "SHOW nosuch").await.0, "42704");
    assert_eq!(query_error(&c, "SET port = 1").await.0, "55P02");
}

#[tokio::test]
async fn pg_stat_activity_lists_live_sessions() {
    let server = Server::start(&[]);
    let a = server.connect().await;
    let b = connect_to(&server.conninfo("bob")).await;
    let b_pid = query_one(&b, "select pg_backend_pid()").await.unwrap();
    let msgs = a
        .simple_query("SELECT pid, usename, datname, application_name, client_addr, state, query FROM pg_stat_activity")
        .await
        .unwrap();
    let all = rows(&msgs);
    assert_eq!(all.len(), 2, "{all:?}");
    let bob = all
        .iter()
        .find(|r| r[0].as_deref() == Some(b_pid.as_str()))
        .expect("bob's row");
    assert_eq!(bob[1].as_deref(), Some("bob"));
    assert_eq!(bob[2].as_deref(), Some("postgres"));
    assert_eq!(bob[3].as_deref(), Some("tests"));
    assert_eq!(bob[4].as_deref(), Some("127.0.0.1"));
    assert_eq!(bob[5].as_deref(), Some("idle"));
    assert_eq!(bob[6].as_deref(), Some("select pg_backend_pid()"));
    let me = all
        .iter()
        .find(|r| r[0].as_deref() != Some(b_pid.as_str()))
        .unwrap();
    assert_eq!(me[5].as_deref(), Some("active"));

    // xact_start: set while bob is in a transaction block, NULL after.
    let xact =
        format!("select state, xact_start is null from pg_stat_activity where pid = {b_pid}");
    assert_eq!(
        rows(&a.simple_query(&xact).await.unwrap())[0],
        [Some("idle".into()), Some("t".into())]
    );
    b.batch_execute("BEGIN; SELECT 1").await.unwrap();
    assert_eq!(
        rows(&a.simple_query(&xact).await.unwrap())[0],
        [Some("idle in transaction".into()), Some("f".into())]
    );
    b.batch_execute("COMMIT").await.unwrap();
    assert_eq!(
        rows(&a.simple_query(&xact).await.unwrap())[0],
        [Some("idle".into()), Some("t".into())]
    );

    // \q: the session ends and its row (and slot) go away.
    drop(b);
    let gone = eventually(|| async {
        rows(
            &a.simple_query("select pid from pg_stat_activity")
                .await
                .unwrap(),
        )
        .len()
            == 1
    })
    .await;
    assert!(gone, "ended session still listed");
}

#[tokio::test]
async fn cancel_request_with_the_right_key_cancels() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let observer = server.connect().await;
    let pid = query_one(&c, "select pg_backend_pid()").await.unwrap();
    let token = c.cancel_token();
    let sleeper = tokio::spawn(async move {
        let r = c.simple_query("SELECT pg_sleep(30)").await;
        (r, c)
    });
    wait_active(&observer, &pid).await;
    token.cancel_query(NoTls).await.unwrap();
    let (r, c) = sleeper.await.unwrap();
    let e = r.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code().code(), "57014");
    assert_eq!(db.message(), "canceling statement due to user request");
    assert_eq!(
        query_one(&c, "SELECT 2").await.as_deref(),
        Some("2"),
        "session goes on"
    );
}

#[tokio::test]
async fn cancel_request_with_a_wrong_key_cancels_nothing() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let observer = server.connect().await;
    let pid: i32 = query_one(&c, "select pg_backend_pid()")
        .await
        .unwrap()
        .parse()
        .unwrap();
    let sleeper =
        tokio::spawn(async move { c.simple_query("SELECT pg_sleep(1)").await.map(|_| ()) });
    wait_active(&observer, &pid.to_string()).await;
    // A CancelRequest for the right pid with a wrong key.
    for key in [0i32, 1, -1, 12345] {
        let mut raw = common::RawClient::connect(server.port);
        let mut pkt = Vec::new();
        pkt.extend_from_slice(&16i32.to_be_bytes());
        pkt.extend_from_slice(&80877102i32.to_be_bytes());
        pkt.extend_from_slice(&pid.to_be_bytes());
        pkt.extend_from_slice(&key.to_be_bytes());
        raw.send(&pkt);
        assert!(
            raw.read_raw_to_end().is_empty(),
            "a cancel connection gets no answer"
        );
    }
    sleeper
        .await
        .unwrap()
        .expect("not cancelled by a wrong key");
}

#[tokio::test]
async fn statement_timeout_cancels_with_57014() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.simple_query("SET statement_timeout = '100ms'")
        .await
        .unwrap();
    let (code, msg) = query_error(&c, "SELECT pg_sleep(30)").await;
    assert_eq!(code, "57014");
    assert_eq!(msg, "canceling statement due to statement timeout");
    c.simple_query("SET statement_timeout = 0").await.unwrap();
    assert_eq!(query_one(&c, "SELECT 1").await.as_deref(), Some("1"));
}

/// While 4 sessions run pg_sleep(3), 50 other sessions each run SELECT 1:
/// every SELECT finishes before any sleep ends, because statements run on
/// executor threads, not on the arbiters that serve the sockets.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_statements_do_not_delay_other_sessions() {
    let server = Arc::new(Server::start(&[]));
    let observer = server.connect().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<&'static str>();
    let mut sleepers = Vec::new();
    for _ in 0..4 {
        let c = server.connect().await;
        let pid = query_one(&c, "select pg_backend_pid()").await.unwrap();
        let tx = tx.clone();
        sleepers.push(tokio::spawn(async move {
            c.simple_query("SELECT pg_sleep(3)").await.unwrap();
            tx.send("sleep").unwrap();
        }));
        wait_active(&observer, &pid).await;
    }
    let mut selects = Vec::new();
    for _ in 0..50 {
        let (server, tx) = (Arc::clone(&server), tx.clone());
        selects.push(tokio::spawn(async move {
            let c = server.connect().await;
            assert_eq!(query_one(&c, "SELECT 1").await.as_deref(), Some("1"));
            tx.send("select").unwrap();
        }));
    }
    drop(tx);
    for s in selects.into_iter().chain(sleepers) {
        s.await.unwrap();
    }
    let mut order = Vec::new();
    while let Some(e) = rx.recv().await {
        order.push(e);
    }
    assert_eq!(order.len(), 54);
    let first_sleep = order.iter().position(|e| *e == "sleep").unwrap();
    assert_eq!(
        first_sleep, 50,
        "a SELECT finished after a sleep: {order:?}"
    );
}

#[tokio::test]
async fn max_connections_is_enforced_and_slots_come_back() {
    let server = Server::start(&["max_connections=3"]);
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(server.connect().await);
    }
    let e = tokio_postgres::connect(&server.conninfo("postgres"), NoTls)
        .await
        .err()
        .expect("the fourth connection is refused");
    let db = e.as_db_error().expect("a server error");
    assert_eq!(db.code().code(), "53300");
    assert_eq!(db.message(), "sorry, too many clients already");
    drop(clients.pop());
    let back = eventually(|| async {
        tokio_postgres::connect(&server.conninfo("postgres"), NoTls)
            .await
            .is_ok()
    })
    .await;
    assert!(back, "the freed slot was never reused");
}

#[tokio::test]
async fn pg_terminate_backend_ends_that_session_only() {
    let server = Server::start(&[]);
    let victim = server.connect().await;
    let killer = server.connect().await;
    let pid = query_one(&victim, "select pg_backend_pid()").await.unwrap();
    assert_eq!(
        query_one(&killer, &format!("select pg_terminate_backend({pid})"))
            .await
            .as_deref(),
        Some("t")
    );
    let ended = eventually(|| async { victim.simple_query("SELECT 1").await.is_err() }).await;
    assert!(ended, "terminated session still answers");
    assert_eq!(query_one(&killer, "SELECT 1").await.as_deref(), Some("1"));
    assert_eq!(
        query_one(&killer, "select pg_terminate_backend(1)")
            .await
            .as_deref(),
        Some("f"),
        "no such backend"
    );
}

#[tokio::test]
async fn a_cancelled_long_query_frees_its_thread_for_others() {
    let server = Server::start(&["max_connections=4"]);
    let observer = server.connect().await;
    let c = server.connect().await;
    let pid = query_one(&c, "select pg_backend_pid()").await.unwrap();
    let token = c.cancel_token();
    let h = tokio::spawn(async move { c.simple_query("SELECT pg_sleep(60)").await.is_err() });
    wait_active(&observer, &pid).await;
    token.cancel_query(NoTls).await.unwrap();
    assert!(h.await.unwrap());
    for _ in 0..20 {
        assert_eq!(query_one(&observer, "SELECT 1").await.as_deref(), Some("1"));
    }
}

/// Six sessions insert, update and delete random keys of a table with a
/// primary key and a second unique index, in transactions that sometimes
/// roll back, racing for the same 300 keys. Every failure must be a
/// PostgreSQL error (23505, 40P01), and afterwards no key is there twice
/// and each index returns exactly what a sequential scan returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unique_indexes_hold_under_concurrent_writers() {
    let server = Arc::new(Server::start(&[]));
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE u (k int PRIMARY KEY, alt int, pad text);
         CREATE UNIQUE INDEX u_alt ON u (alt);
         INSERT INTO u SELECT g, g + 1000, repeat('p', 200) FROM generate_series(1, 150) g",
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for w in 0..6u64 {
        let server = Arc::clone(&server);
        tasks.push(tokio::spawn(async move {
            let c = server.connect().await;
            let mut next = seeded(w);
            let mut codes = Vec::new();
            for _ in 0..150 {
                let k = 1 + next(300);
                let sql = match next(4) {
                    0 => format!("INSERT INTO u VALUES ({k}, {}, 'w')", k + 1000),
                    1 => format!("UPDATE u SET k = {}, alt = alt WHERE k = {k}", 1 + next(300)),
                    2 => format!("DELETE FROM u WHERE k = {k}"),
                    _ => format!(
                        "BEGIN; INSERT INTO u VALUES ({k}, {}, 'x'); DELETE FROM u WHERE k = {}; {}",
                        2000 + next(300),
                        1 + next(300),
                        if next(2) == 0 { "COMMIT" } else { "ROLLBACK" }
                    ),
                };
                codes.extend(run_or_roll_back(&c, &sql).await);
            }
            codes
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.extend(t.await.unwrap());
    }
    assert!(
        codes.iter().all(|c| c == "23505" || c == "40P01"),
        "{codes:?}"
    );
    assert!(codes.iter().any(|c| c == "23505"), "the writers collided");
    let count = |sql: &'static str| {
        let c = &c;
        async move { query_one(c, sql).await.unwrap() }
    };
    assert_eq!(
        count("SELECT count(*) - count(DISTINCT k) FROM u").await,
        "0"
    );
    assert_eq!(
        count("SELECT count(*) - count(DISTINCT alt) FROM u").await,
        "0"
    );
    for sql in [
        "SELECT k, alt FROM u WHERE k >= 0 ORDER BY k",
        "SELECT k, alt FROM u WHERE alt >= 0 ORDER BY alt",
    ] {
        let through_index = rows(&c.simple_query(sql).await.unwrap());
        c.batch_execute("SET enable_indexscan = off").await.unwrap();
        let scanned = rows(&c.simple_query(sql).await.unwrap());
        c.batch_execute("RESET enable_indexscan").await.unwrap();
        assert_eq!(through_index, scanned, "{sql}");
    }
}

/// Parallel scans under concurrent writers: four sessions move amounts
/// between accounts (two UPDATEs per transaction, some rolled back, some
/// growing the table past its pages with new versions) while two
/// sessions sum the balances with parallel scans (every table qualifies
/// under `min_parallel_table_scan_size = 0`). Every sum a reader sees is
/// 0 and every count is the number of accounts: each worker reads with
/// the statement's snapshot, never half a transfer. Under REPEATABLE READ
/// two sums in one transaction also see the same per-account balances.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_scans_see_whole_transfers_only() {
    let server = Arc::new(Server::start(&[]));
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE acc (id int, bal int, pad text);
         INSERT INTO acc SELECT g, 0, repeat('p', 100) FROM generate_series(1, 3000) g",
    )
    .await
    .unwrap();
    let mut writers = Vec::new();
    for w in 0..4u64 {
        let server = Arc::clone(&server);
        writers.push(tokio::spawn(async move {
            let c = server.connect().await;
            let mut next = seeded(w);
            let mut codes = Vec::new();
            for _ in 0..120 {
                let (a, b, amount) = (1 + next(3000), 1 + next(3000), 1 + next(50));
                let end = if next(4) == 0 { "ROLLBACK" } else { "COMMIT" };
                let sql = format!(
                    "BEGIN; UPDATE acc SET bal = bal - {amount} WHERE id = {a};
                     UPDATE acc SET bal = bal + {amount} WHERE id = {b}; {end}"
                );
                codes.extend(run_or_roll_back(&c, &sql).await);
            }
            codes
        }));
    }
    let mut readers = Vec::new();
    for r in 0..2 {
        let server = Arc::clone(&server);
        readers.push(tokio::spawn(async move {
            let c = server.connect().await;
            c.batch_execute("SET min_parallel_table_scan_size = 0")
                .await
                .unwrap();
            let plan = rows(
                &c.simple_query("EXPLAIN SELECT sum(bal) FROM acc")
                    .await
                    .unwrap(),
            );
            assert_eq!(
                plan[1][0].as_deref(),
                Some("  ->  Gather"),
                "the readers scan in parallel: {plan:?}"
            );
            let mut seen = 0;
            for i in 0..60 {
                if (i + r) % 3 == 0 {
                    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                        .await
                        .unwrap();
                    let first = rows(
                        &c.simple_query("SELECT id, bal FROM acc WHERE bal <> 0")
                            .await
                            .unwrap(),
                    );
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    let second = rows(
                        &c.simple_query("SELECT id, bal FROM acc WHERE bal <> 0")
                            .await
                            .unwrap(),
                    );
                    c.batch_execute("COMMIT").await.unwrap();
                    assert_eq!(first, second, "one snapshot for the whole transaction");
                } else {
                    let got = rows(
                        &c.simple_query("SELECT sum(bal), count(*) FROM acc")
                            .await
                            .unwrap(),
                    );
                    assert_eq!(
                        got,
                        vec![vec![Some("0".to_owned()), Some("3000".to_owned())]],
                        "a sum that saw half a transfer"
                    );
                }
                seen += 1;
            }
            seen
        }));
    }
    let mut codes = Vec::new();
    for t in writers {
        codes.extend(t.await.unwrap());
    }
    for t in readers {
        assert_eq!(t.await.unwrap(), 60);
    }
    assert!(codes.iter().all(|c| c == "40P01"), "{codes:?}");
    assert_eq!(
        query_one(&c, "SELECT sum(bal) FROM acc").await.as_deref(),
        Some("0")
    );
    assert_ne!(
        query_one(&c, "SELECT count(*) FROM acc WHERE bal <> 0")
            .await
            .as_deref(),
        Some("0"),
        "the writers moved money"
    );
}

/// Messages a client sends without waiting (here all in one write, while
/// the first statement still sleeps) are answered one after another in
/// the order sent: short answers, an error, rows streamed in batches and
/// the end of the connection all keep their places.
#[test]
fn pipelined_queries_are_answered_in_order() {
    let server = Server::start(&[]);
    let (mut c, _) = RawClient::startup(server.port, "postgres");
    c.send_queries(&[
        "SELECT pg_sleep(0.3)",
        "SELECT 2",
        "SELECT 1/0",
        "SELECT generate_series(1, 20000)",
        "SELECT 'last'",
    ]);
    let mut out = BytesMut::new();
    frontend::terminate(&mut out);
    c.send(&out);
    let got = c.read_to_end();
    let series: Vec<String> = (1..=20000).map(|i| format!("DataRow ['{i}']")).collect();
    let mut want: Vec<String> = [
        "RowDescription pg_sleep(type=2278,len=4,typmod=-1,fmt=0)",
        "DataRow ['']",
        "CommandComplete SELECT 1",
        "ReadyForQuery I",
        "RowDescription ?column?(type=23,len=4,typmod=-1,fmt=0)",
        "DataRow ['2']",
        "CommandComplete SELECT 1",
        "ReadyForQuery I",
        "ErrorResponse S=ERROR C=22012 M=division by zero",
        "ReadyForQuery I",
        "RowDescription generate_series(type=23,len=4,typmod=-1,fmt=0)",
    ]
    .map(String::from)
    .to_vec();
    want.extend(series);
    want.extend(
        [
            "CommandComplete SELECT 20000",
            "ReadyForQuery I",
            "RowDescription ?column?(type=25,len=-1,typmod=-1,fmt=0)",
            "DataRow ['last']",
            "CommandComplete SELECT 1",
            "ReadyForQuery I",
        ]
        .map(String::from),
    );
    assert_eq!(got.len(), want.len(), "{:?}", &got[..got.len().min(20)]);
    assert_eq!(got, want);
}

/// statement_timeout holds both when the backend is waiting for the
/// statement (the next query is already there) and when nothing else
/// comes in (the statement runs alone).
#[test]
// The test's own thread waits (a client, not an arbiter or executor).
#[allow(clippy::disallowed_methods)]
fn statement_timeout_holds_with_and_without_a_query_waiting() {
    let server = Server::start(&[]);
    let (mut c, _) = RawClient::startup(server.port, "postgres");
    c.send_queries(&[
        "SET statement_timeout = '100ms'",
        "SELECT pg_sleep(5)",
        "SELECT 1",
    ]);
    // As in PostgreSQL, the row description goes out before the
    // statement runs, so it precedes the error.
    let timeout = [
        "RowDescription pg_sleep(type=2278,len=4,typmod=-1,fmt=0)",
        "ErrorResponse S=ERROR C=57014 M=canceling statement due to statement timeout",
        "ReadyForQuery I",
    ];
    assert_eq!(c.read_until_ready().last().unwrap(), "ReadyForQuery I");
    assert_eq!(c.read_until_ready(), timeout);
    assert_eq!(c.read_until_ready()[1], "DataRow ['1']");
    // Alone: the timer raises it while nothing waits for the statement.
    assert_eq!(c.query("SELECT pg_sleep(5)"), timeout);
    // A statement that ended in time is not cancelled later.
    assert_eq!(c.query("SELECT 3")[1], "DataRow ['3']");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(c.query("SELECT 4")[1], "DataRow ['4']");
}

/// An idle session (its last answer written by the executor, the session
/// not yet taken back by the backend) still ends with 57P01 when it is
/// terminated, and tells its client so.
#[test]
fn terminating_an_idle_session_tells_its_client() {
    let server = Server::start(&[]);
    let (mut victim, _) = RawClient::startup(server.port, "postgres");
    let pid = victim.query("SELECT pg_backend_pid()")[1]
        .trim_start_matches("DataRow ['")
        .trim_end_matches("']")
        .to_owned();
    let (mut killer, _) = RawClient::startup(server.port, "postgres");
    assert_eq!(
        killer.query(&format!("SELECT pg_terminate_backend({pid})"))[1],
        "DataRow ['t']"
    );
    assert_eq!(
        victim.read_to_end(),
        ["ErrorResponse S=FATAL C=57P01 M=terminating connection due to administrator command"]
    );
    assert_eq!(killer.query("SELECT 5")[1], "DataRow ['5']");
}

/// A client that leaves while its rows stream, or while its statement
/// runs with another query already sent, ends only its own session: the
/// statement stops, its transaction's locks go, and the slot comes back.
#[tokio::test]
async fn a_client_leaving_mid_statement_ends_only_its_session() {
    let server = Server::start(&[]);
    let observer = server.connect().await;
    observer
        .batch_execute("CREATE TABLE held (a int); INSERT INTO held VALUES (1)")
        .await
        .unwrap();
    let active = || async {
        query_one(
            &observer,
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'raw'",
        )
        .await
        .unwrap()
    };
    // Rows streaming: read a little, then go.
    let (mut streaming, _) = RawClient::startup(server.port, "postgres");
    streaming.send_queries(&[
        "BEGIN",
        "UPDATE held SET a = 2",
        "SELECT generate_series(1, 5000000)",
    ]);
    for _ in 0..10 {
        assert!(streaming.next().is_some());
    }
    drop(streaming);
    // A statement running with the next query waiting behind it.
    let (mut waiting, _) = RawClient::startup(server.port, "postgres");
    waiting.send_queries(&["SELECT pg_sleep(0.5)", "SELECT 1"]);
    drop(waiting);
    let gone = eventually(|| async { active().await == "0" }).await;
    assert!(gone, "both sessions ended");
    // The streaming session's row lock went with its transaction.
    observer
        .batch_execute("SET lock_timeout = '2s'; UPDATE held SET a = 3")
        .await
        .unwrap();
    assert_eq!(
        query_one(&observer, "SELECT a FROM held").await.as_deref(),
        Some("3")
    );
}

/// Another session's temporary table is visible in the catalog but its
/// rows are not reachable (they are in the owner's local buffers): reads,
/// writes, COPY, CREATE INDEX, TRUNCATE and ALTER TABLE get PostgreSQL's
/// 0A000 errors, VACUUM skips it quietly, and the owner's rows are intact.
#[tokio::test]
async fn other_sessions_temporary_tables_are_out_of_reach() {
    let server = Server::start(&[]);
    let owner = server.connect().await;
    let other = server.connect().await;
    owner
        .batch_execute("CREATE TEMP TABLE mine (a int); INSERT INTO mine VALUES (1), (2)")
        .await
        .unwrap();
    let schema = query_one(
        &other,
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'mine'",
    )
    .await
    .unwrap();
    assert!(schema.starts_with("pg_temp_"), "{schema}");
    let t = format!("{schema}.mine");
    for (sql, what) in [
        (format!("SELECT * FROM {t}"), "access"),
        (format!("INSERT INTO {t} VALUES (3)"), "access"),
        (format!("UPDATE {t} SET a = 0"), "access"),
        (format!("DELETE FROM {t}"), "access"),
        (format!("COPY {t} TO STDOUT"), "access"),
        (format!("CREATE INDEX ON {t} (a)"), "create indexes on"),
        (format!("TRUNCATE {t}"), "truncate"),
        (format!("ALTER TABLE {t} ADD COLUMN b int"), "alter"),
    ] {
        assert_eq!(
            query_error(&other, &sql).await,
            (
                "0A000".to_owned(),
                format!("cannot {what} temporary tables of other sessions")
            ),
            "{sql}"
        );
    }
    other.batch_execute(&format!("VACUUM {t}")).await.unwrap();
    other.batch_execute("VACUUM").await.unwrap();
    assert_eq!(
        query_one(
            &owner,
            "SELECT string_agg(a::text, ',' ORDER BY a) FROM mine"
        )
        .await
        .unwrap(),
        "1,2"
    );
}
