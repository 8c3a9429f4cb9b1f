//! Shutdown as PostgreSQL does it: SIGTERM smart, SIGINT fast, SIGQUIT
//! immediate.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{query_one, Server};
use tokio_postgres::NoTls;

/// Bounds waits so a broken shutdown fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smart_shutdown_waits_for_sessions_and_refuses_new_ones() {
    let mut server = Server::start(&[]);
    let c = server.connect().await;
    server.signal("TERM");
    // New sessions are refused with 57P03 (after the signal is handled).
    let mut refused = None;
    for _ in 0..400 {
        match tokio_postgres::connect(&server.conninfo("postgres"), NoTls).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(25)).await,
            Err(e) => {
                refused = e
                    .as_db_error()
                    .map(|d| (d.code().code().to_owned(), d.message().to_owned()));
                break;
            }
        }
    }
    assert_eq!(
        refused,
        Some((
            "57P03".to_owned(),
            "the database system is shutting down".to_owned()
        ))
    );
    // The existing session goes on, and the server waits for it.
    assert_eq!(query_one(&c, "SELECT 42").await.as_deref(), Some("42"));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited before the last session ended"
    );
    drop(c);
    let status = server
        .wait_exit(LIMIT)
        .expect("exits when the last session ends");
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_shutdown_terminates_sessions_with_57p01() {
    let mut server = Server::start(&[]);
    let idle = server.connect().await;
    let busy = server.connect().await;
    let observer = server.connect().await;
    let busy_pid = query_one(&busy, "select pg_backend_pid()").await.unwrap();
    let running = tokio::spawn(async move { busy.simple_query("SELECT pg_sleep(60)").await });
    for _ in 0..400 {
        let msgs = observer
            .simple_query(&format!(
                "select pid from pg_stat_activity where pid = {busy_pid} and state = 'active'"
            ))
            .await
            .unwrap();
        if msgs
            .iter()
            .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_)))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    server.signal("INT");
    let e = running.await.unwrap().unwrap_err();
    let db = e.as_db_error().expect("a FATAL from the server");
    assert_eq!(db.code().code(), "57P01");
    assert_eq!(
        db.message(),
        "terminating connection due to administrator command"
    );
    assert_eq!(db.severity(), "FATAL");
    let status = server
        .wait_exit(LIMIT)
        .expect("exits after ending the sessions");
    assert!(status.success(), "{status}");
    assert!(
        idle.simple_query("SELECT 1").await.is_err(),
        "idle session ended too"
    );
    assert!(server.log_text().contains("database system is shut down"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn immediate_shutdown_exits_now_and_the_directory_restarts() {
    let mut server = Server::start(&[]);
    let _c = server.connect().await;
    server.signal("QUIT");
    server.wait_exit(LIMIT).expect("exits at once");
    // The same data directory starts again.
    let data = std::mem::replace(&mut server.data, tempfile::tempdir().unwrap());
    let again = Server::start_in(data, &[]);
    let c = again.connect().await;
    assert_eq!(query_one(&c, "SELECT 1").await.as_deref(), Some("1"));
}
