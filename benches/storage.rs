//! Storage benchmarks, side by side with PostgreSQL 15 on this machine in
//! the same run (issue 3). Reports each figure for both servers and the
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

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio_postgres::{Client, NoTls};

const PGBIN: &str = "/usr/lib/postgresql/15/bin";
const ROWS: usize = 1_000_000;
const BATCH: usize = 1_000;

struct Target {
    name: &'static str,
    port: u16,
}

async fn connect(port: u16, db: &str) -> Client {
    let conninfo = format!("host=127.0.0.1 port={port} user=postgres dbname={db}");
    let (client, conn) = tokio_postgres::connect(&conninfo, NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect to {conninfo}: {e}"));
    tokio::spawn(conn);
    client
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

fn start_actorgres(data: &std::path::Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_actorgres"))
        .args(["start", "-D"])
        .arg(data)
        .args([
            "-p",
            &port.to_string(),
            "-h",
            "127.0.0.1",
            "-c",
            "introspection_listen=",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start actorgres");
    let mut child = child;
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("actorgres did not start");
}

fn best(runs: &[Duration]) -> Duration {
    runs.iter().copied().min().unwrap()
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let refpg: u16 = std::env::var("REFPG_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(55499);
    if std::net::TcpStream::connect(("127.0.0.1", refpg)).is_err() {
        eprintln!("PostgreSQL 15 is not running on 127.0.0.1:{refpg}; start it with ../shared/tools/refpg start");
        std::process::exit(1);
    }
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
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
    let mut results: Vec<[Vec<Duration>; 4]> = Vec::new();
    for t in &targets {
        let mut r: [Vec<Duration>; 4] = Default::default();
        for run in 0..runs {
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
        results.push(r);
    }
    let _ = server.kill();
    let _ = server.wait();
    let names = [
        "insert 1M rows, one transaction",
        "10,000 autocommit inserts, 8 clients, sync commit",
        "full scan of 1M rows, no row passes the filter",
        "full scan of 1M rows, all rows to the client",
    ];
    println!("| workload | PostgreSQL 15 | actorgres | ratio (actorgres / PG time) |");
    println!("|---|---|---|---|");
    for (i, name) in names.iter().enumerate() {
        let pg = best(&results[0][i]);
        let ag = best(&results[1][i]);
        println!(
            "| {name} | {:.3} s | {:.3} s | {:.2} |",
            pg.as_secs_f64(),
            ag.as_secs_f64(),
            ag.as_secs_f64() / pg.as_secs_f64()
        );
    }
}
