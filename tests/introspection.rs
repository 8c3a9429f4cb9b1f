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

fn child<'a>(tree: &'a Value, id: &str) -> &'a Value {
    tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {tree}"))
}

#[tokio::test]
async fn tree_shows_shared_buffers_checkpointer_and_workers() {
    let server = Server::start(&["shared_buffers=4MB"]);
    let c = server.connect().await;
    c.batch_execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT * FROM t")
        .await
        .unwrap();
    let t = tree(&server);
    let sb = child(&t, "shared_buffers");
    assert_eq!(sb["kind"], "SharedBuffers");
    assert_eq!(sb["buffers"], 512);
    assert_eq!(sb["size_bytes"], 4 * 1024 * 1024);
    assert!(sb["in_use"].as_u64().unwrap() > 0);
    assert!(sb["dirty"].as_u64().unwrap() > 0, "{sb}");
    let ratio = sb["hit_ratio"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&ratio));
    let before = child(&t, "checkpointer")["last_checkpoint"].clone();
    c.batch_execute("CHECKPOINT").await.unwrap();
    let t = tree(&server);
    let cp = child(&t, "checkpointer");
    assert_eq!(cp["kind"], "Checkpointer");
    let last = &cp["last_checkpoint"];
    assert_ne!(
        last["redo_lsn"], before["redo_lsn"],
        "CHECKPOINT moved the redo point"
    );
    assert!(last["buffers_written"].as_u64().unwrap() > 0, "{cp}");
    assert_eq!(child(&t, "shared_buffers")["dirty"], 0);
    for (id, job) in [
        ("worker-wal_writer", "wal_writer"),
        ("worker-autovacuum", "autovacuum"),
    ] {
        let w = child(&t, id);
        assert_eq!(w["kind"], "BackgroundWorker");
        assert_eq!(w["job"], job);
        assert_eq!(w["restarts"], 0);
    }
}

/// The size of table `name`'s file in the default database.
async fn table_bytes(server: &Server, c: &tokio_postgres::Client, name: &str) -> u64 {
    let node = query_one(
        c,
        &format!("SELECT relfilenode FROM pg_class WHERE relname = '{name}'"),
    )
    .await
    .unwrap();
    let db = query_one(c, "SELECT oid FROM pg_database WHERE datname = 'postgres'")
        .await
        .unwrap();
    let path = server.data.path().join("pgdata/base").join(db).join(node);
    std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test]
async fn autovacuum_keeps_a_churning_table_from_growing() {
    // Deleted rows are not pruned by later inserts (only by VACUUM), so
    // without autovacuum this table grows by ~45 pages every 20 rounds;
    // with it, the space is reused. (Updates prune full pages on their
    // own and would not show the difference.)
    let server = Server::start(&["autovacuum_naptime=1"]);
    let c = server.connect().await;
    let rows: Vec<String> = (0..200).map(|i| format!("({i}, 'v')")).collect();
    let insert = format!("INSERT INTO churn VALUES {}", rows.join(", "));
    // The primary key churns too: every round's versions get new entries.
    c.batch_execute(&format!(
        "CREATE TABLE churn (k int PRIMARY KEY, v text); {insert}"
    ))
    .await
    .unwrap();
    let rounds = |t: &Value| child(t, "worker-autovacuum")["rounds"].as_u64().unwrap();
    let mut sizes = Vec::new();
    let mut index_sizes = Vec::new();
    for round in 0..60 {
        c.batch_execute(&format!("DELETE FROM churn; {insert}"))
            .await
            .unwrap();
        if round % 20 == 19 {
            // Wait (an ordering, not a duration) until an autovacuum round
            // has begun and ended after this batch: two more rounds.
            let start = rounds(&tree(&server));
            let mut done = false;
            for _ in 0..400 {
                if rounds(&tree(&server)) >= start + 2 {
                    done = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(done, "autovacuum did not come round");
            sizes.push(table_bytes(&server, &c, "churn").await);
            index_sizes.push(table_bytes(&server, &c, "churn_pkey").await);
        }
    }
    assert!(sizes[2] <= sizes[1], "table kept growing: {sizes:?}");
    assert!(index_sizes[0] > 0);
    assert!(
        index_sizes[2] <= index_sizes[1],
        "index kept growing: {index_sizes:?}"
    );
    let t = tree(&server);
    let av = child(&t, "worker-autovacuum");
    assert!(av["rounds"].as_u64().unwrap() >= 1, "{av}");
    assert!(
        av["last_result"].as_str().unwrap().contains("examined"),
        "{av}"
    );
    assert_eq!(
        query_one(&c, "SELECT v FROM churn WHERE k = 7")
            .await
            .as_deref(),
        Some("v")
    );
}

#[tokio::test]
async fn autovacuum_analyzes_a_table_changed_past_the_threshold() {
    // 50 + 10% of reltuples changes since the last ANALYZE (PostgreSQL's
    // defaults): 40 inserted rows stay below, 1,000 more pass it; then
    // the statistics follow the data without an ANALYZE statement.
    let server = Server::start(&["autovacuum_naptime=1"]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE aa (k int, v text); \
         INSERT INTO aa SELECT i, 'few' FROM generate_series(1, 40) i",
    )
    .await
    .unwrap();
    let rounds = |t: &Value| child(t, "worker-autovacuum")["rounds"].as_u64().unwrap();
    let wait_rounds = |n: u64| {
        let server = &server;
        async move {
            let start = rounds(&tree(server));
            for _ in 0..400 {
                if rounds(&tree(server)) >= start + n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("autovacuum did not come round");
        }
    };
    let stats = "SELECT reltuples::text || ' ' || coalesce((SELECT most_common_vals::text \
                 FROM pg_stats WHERE tablename = 'aa' AND attname = 'v'), '-') \
                 FROM pg_class WHERE relname = 'aa'";
    wait_rounds(2).await;
    assert_eq!(query_one(&c, stats).await.as_deref(), Some("-1 -"));
    c.batch_execute("INSERT INTO aa SELECT i, 'many' FROM generate_series(41, 1040) i")
        .await
        .unwrap();
    wait_rounds(2).await;
    assert_eq!(
        query_one(&c, stats).await.as_deref(),
        Some("1040 {many,few}")
    );
    // pg_stat_user_tables says who analyzed it, and when.
    assert_eq!(
        query_one(
            &c,
            "SELECT autoanalyze_count::text || ' ' || analyze_count || ' ' \
             || (last_autoanalyze > now() - interval '1 minute') || ' ' \
             || (last_analyze IS NULL) || ' ' || n_mod_since_analyze \
             FROM pg_stat_user_tables WHERE relname = 'aa'"
        )
        .await
        .as_deref(),
        Some("1 0 true true 0")
    );
    c.batch_execute("VACUUM aa").await.unwrap();
    c.batch_execute("ANALYZE aa").await.unwrap();
    assert_eq!(
        query_one(
            &c,
            "SELECT vacuum_count::text || ' ' || analyze_count || ' ' || autoanalyze_count \
             || ' ' || (last_vacuum IS NOT NULL) || ' ' || (last_analyze IS NOT NULL) \
             FROM pg_stat_user_tables WHERE relname = 'aa'"
        )
        .await
        .as_deref(),
        Some("1 1 1 true true")
    );
    let t = tree(&server);
    let av = child(&t, "worker-autovacuum");
    assert!(
        av["last_result"].as_str().unwrap().contains("analyzed"),
        "{av}"
    );
}

/// Shared buffers' pages in use and the WAL written since the last
/// checkpoint, from the tree.
fn shared_pages_and_wal(server: &Server) -> (u64, u64) {
    let t = tree(server);
    (
        child(&t, "shared_buffers")["in_use"].as_u64().unwrap(),
        child(&t, "checkpointer")["wal_since_checkpoint_bytes"]
            .as_u64()
            .unwrap(),
    )
}

/// A temporary table's pages live in its backend's local buffers
/// (temp_buffers, shown in the tree as the backend's memory), not in
/// shared buffers, and are never WAL-logged: 13 MB of rows, an index and
/// an update leave shared buffers and the WAL as they were (but for the
/// catalog rows), where the same rows in a permanent table fill both.
/// The rows outgrow a 1 MB temp_buffers, so pages leave the local pool
/// and come back intact. An unlogged table fills shared buffers but not
/// the WAL.
#[tokio::test]
async fn temporary_tables_live_in_local_buffers_without_wal() {
    let server = Server::start(&[
        "temp_buffers=1MB",
        "checkpoint_timeout=1h",
        "max_wal_size=4GB",
    ]);
    let c = server.connect().await;
    let pid: i64 = query_one(&c, "select pg_backend_pid()")
        .await
        .unwrap()
        .parse()
        .unwrap();
    let memory = |t: &Value| child(t, &format!("backend-{pid}"))["local_memory"].clone();
    assert_eq!(memory(&tree(&server))["temp_buffers_bytes"], 0);
    let (pages0, wal0) = shared_pages_and_wal(&server);
    c.batch_execute(
        "CREATE TEMP TABLE t (a int PRIMARY KEY, b text);
         INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g;
         UPDATE t SET b = 'y' WHERE a % 2 = 0",
    )
    .await
    .unwrap();
    let m = memory(&tree(&server));
    assert_eq!(m["temp_buffers_bytes"], 1024 * 1024, "{m}");
    assert!(m["in_use_bytes"].as_u64().unwrap() >= 1024 * 1024, "{m}");
    let (pages1, wal1) = shared_pages_and_wal(&server);
    assert!(pages1 - pages0 < 100, "shared pages {pages0} -> {pages1}");
    assert!(wal1 - wal0 < 200_000, "WAL {wal0} -> {wal1}");
    let got = query_one(
        &c,
        "SELECT count(*) || ' ' || sum(length(b)) || ' ' || sum(a) FROM t",
    )
    .await
    .unwrap();
    assert_eq!(got, "100000 5050000 5000050000");
    assert_eq!(
        query_one(&c, "SELECT b FROM t WHERE a = 77777")
            .await
            .unwrap(),
        "x".repeat(100)
    );
    c.batch_execute(
        "CREATE TABLE p (a int PRIMARY KEY, b text);
         INSERT INTO p SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g",
    )
    .await
    .unwrap();
    let (pages2, wal2) = shared_pages_and_wal(&server);
    assert!(pages2 - pages1 > 1000, "shared pages {pages1} -> {pages2}");
    assert!(wal2 - wal1 > 5_000_000, "WAL {wal1} -> {wal2}");
    // An unlogged table: shared buffers, but no WAL for its rows.
    c.batch_execute(
        "CREATE UNLOGGED TABLE u (a int PRIMARY KEY, b text);
         INSERT INTO u SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g",
    )
    .await
    .unwrap();
    let (pages3, wal3) = shared_pages_and_wal(&server);
    assert!(pages3 - pages2 > 1000, "shared pages {pages2} -> {pages3}");
    assert!(wal3 - wal2 < 200_000, "WAL {wal2} -> {wal3}");
}
