//! The introspection endpoint: the live supervision tree as JSON.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{query_one, Server};
use serde_json::Value;

fn tree(server: &Server) -> Value {
    let (status, body) = server.http_get("/tree");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

fn backends(tree: &Value) -> Vec<Value> {
    tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "Backend")
        .cloned()
        .collect()
}

#[tokio::test]
async fn tree_shows_postmaster_backends_and_introspection() {
    let server = Server::start(&["work_mem=2MB"]);
    assert_eq!(server.http_get("/healthz"), (200, "ok\n".to_owned()));

    let c = server.connect().await;
    let pid: i64 = query_one(&c, "select pg_backend_pid()")
        .await
        .unwrap()
        .parse()
        .unwrap();
    let t = tree(&server);
    assert_eq!(t["kind"], "Postmaster");
    assert_eq!(t["state"], "running");
    assert_eq!(t["restarts"], 0);
    assert_eq!(t["max_connections"], 100);
    assert!(t["started_at"].as_str().unwrap().ends_with('Z'));
    let kids: Vec<&str> = t["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kids.contains(&"Introspection"), "{kids:?}");
    let b = backends(&t);
    assert_eq!(b.len(), 1);
    let b = &b[0];
    assert_eq!(b["pid"], pid);
    assert_eq!(b["id"], format!("backend-{pid}"));
    assert_eq!(b["user"], "postgres");
    assert_eq!(b["database"], "postgres");
    assert_eq!(b["application_name"], "tests");
    assert_eq!(b["state"], "idle");
    assert_eq!(b["query"], "select pg_backend_pid()");
    assert!(b["client_addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(b["local_memory"]["work_mem_bytes"], 2 * 1024 * 1024);
    assert_eq!(b["local_memory"]["in_use_bytes"], 0);
    assert!(b["query_start"].as_str().is_some());
    assert!(b["children"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn tree_follows_state_changes_live() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let h = tokio::spawn(async move {
        c.simple_query("SELECT pg_sleep(1)").await.unwrap();
        c
    });
    let mut seen_active = false;
    for _ in 0..200 {
        let t = tree(&server);
        if backends(&t)
            .iter()
            .any(|b| b["state"] == "active" && b["query"] == "SELECT pg_sleep(1)")
        {
            seen_active = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen_active, "never saw the backend active");
    let c = h.await.unwrap();
    let t = tree(&server);
    assert_eq!(backends(&t)[0]["state"], "idle");
    drop(c);
    let mut gone = false;
    for _ in 0..400 {
        if backends(&tree(&server)).is_empty() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(gone, "ended backend still in the tree");
    assert_eq!(server.http_get("/nosuch").0, 404);
}
