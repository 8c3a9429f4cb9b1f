//! Storage benchmarks, side by side with PostgreSQL 15 on this machine in
//! the same run. Reports each figure for both servers and the
//! ratio actorgres / PostgreSQL (time: lower is better for actorgres).
//!
//!     ../shared/tools/refpg start
//!     cargo bench --bench storage
//!
//! Workloads (each on a fresh database, best of BENCH_RUNS runs, default 3):
//! 1. insert 1,000,000 rows in one transaction (1,000 INSERTs of 1,000
//!    rows each, between BEGIN and COMMIT);
//! 2. 10,000 single-row autocommit INSERTs from 8 pgbench clients,
//!    synchronous_commit = on (group commit shows here);
//! 3. a full scan of the 1M-row table: a filter no row passes (the server
//!    reads every row, sends none) and every row sent to the client.
//!
//! Both servers run with their defaults: shared_buffers = 128MB, fsync and
//! synchronous_commit on, data in /tmp. PostgreSQL may use parallel
//! workers for the scan, as it would for any user.

// A benchmark driver: failures end it with a message.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{connect, print_table, start_actorgres};
use tokio_postgres::Client;

const PGBIN: &str = "/usr/lib/postgresql/15/bin";
const ROWS: usize = 1_000_000;
const BATCH: usize = 1_000;

struct Target {
    name: &'static str,
    port: u16,
}

/// A fresh database `bench` with table `t`.
async fn fresh(port: u16) -> Client {
    let admin = connect(port, "postgres").await;
    admin
        .batch_execute("DROP DATABASE IF EXISTS bench")
        .await
        .unwrap();
    admin.batch_execute("CREATE DATABASE bench").await.unwrap();
    let c = connect(port, "bench").await;
    c.batch_execute("CREATE TABLE t (id int NOT NULL, k int NOT NULL, s text)")
        .await
        .unwrap();
    c
}

fn insert_batches() -> Vec<String> {
    (0..ROWS / BATCH)
        .map(|b| {
            let rows: Vec<String> = (b * BATCH..(b + 1) * BATCH)
                .map(|i| format!("({i}, {}, 'row number {i:>10}')", i % 1000))
                .collect();
            format!("INSERT INTO t VALUES {}", rows.join(", "))
        })
        .collect()
}

async fn insert_million(c: &Client, batches: &[String]) -> Duration {
    let start = Instant::now();
    c.batch_execute("BEGIN").await.unwrap();
    for b in batches {
        c.batch_execute(b).await.unwrap();
    }
    c.batch_execute("COMMIT").await.unwrap();
    start.elapsed()
}

async fn scan(c: &Client, sql: &str, expect_rows: usize) -> Duration {
    let start = Instant::now();
    let msgs = c.simple_query(sql).await.unwrap();
    let elapsed = start.elapsed();
    let rows = msgs
        .iter()
        .filter(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_)))
        .count();
    assert_eq!(rows, expect_rows, "{sql}");
    elapsed
}

/// 10,000 autocommit inserts from 8 pgbench clients; returns the time.
fn autocommit_inserts(port: u16, script: &std::path::Path) -> Duration {
    let out = Command::new(format!("{PGBIN}/pgbench"))
        .args([
            "-n", "-M", "simple", "-c", "8", "-j", "2", "-t", "1250", "-f",
        ])
        .arg(script)
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "bench",
        ])
        .output()
        .expect("run pgbench");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pgbench failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("number of failed transactions: 0"), "{text}");
    let tps: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench output: {text}"));
    Duration::from_secs_f64(10_000.0 / tps)
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let runs = common::runs();
    let refpg = common::refpg_port();
    let data = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut server = start_actorgres(&data.path().join("pgdata"), port);
    let script = data.path().join("insert.sql");
    std::fs::write(
        &script,
        "\\set k random(1, 1000)\nINSERT INTO t VALUES (:client_id, :k, 'autocommit row');\n",
    )
    .unwrap();
    let batches = insert_batches();
    let targets = [
        Target {
            name: "PostgreSQL 15",
            port: refpg,
        },
        Target {
            name: "actorgres",
            port,
        },
    ];
    // Runs alternate between the servers, so a change in the machine's
    // load over the benchmark falls on both alike.
    let mut results: Vec<Vec<Vec<Duration>>> = vec![vec![Vec::new(); 4]; targets.len()];
    for run in 0..runs {
        for (t, r) in targets.iter().zip(results.iter_mut()) {
            let c = fresh(t.port).await;
            r[0].push(insert_million(&c, &batches).await);
            r[2].push(scan(&c, "SELECT * FROM t WHERE k < 0", 0).await);
            r[3].push(scan(&c, "SELECT * FROM t", ROWS).await);
            drop(c);
            let c = fresh(t.port).await;
            r[1].push(autocommit_inserts(t.port, &script));
            drop(c);
            eprintln!(
                "{} run {}: {:?}",
                t.name,
                run + 1,
                r.iter().map(|v| v[run]).collect::<Vec<_>>()
            );
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let names = [
        "insert 1M rows, one transaction",
        "10,000 autocommit inserts, 8 clients, sync commit",
        "full scan of 1M rows, no row passes the filter",
        "full scan of 1M rows, all rows to the client",
    ];
    print_table(&names, &results);
}
