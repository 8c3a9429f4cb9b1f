//! Query engine benchmarks, side by side with PostgreSQL 15 on this
//! machine in the same run. Reports each time for both servers
//! and the ratio actorgres / PostgreSQL (lower is better for actorgres).
//!
//!     ../shared/tools/refpg start
//!     cargo bench --bench query
//!
//! Data (loaded once per server): q(a int, b int, c text) with 1,000,000
//! rows (a = 1..1M, b = a % 1000, c = 'row ' || a scrambled, so ORDER BY c
//! is not the load order) and s(a int) with 100,000 rows. Workloads, best
//! of BENCH_RUNS (default 3), with each server's defaults (work_mem 4MB;
//! PostgreSQL may use parallel workers, as it would for any user):
//! 1. SELECT count(*) FROM q
//! 2. SELECT b % 100, sum(a) FROM q GROUP BY b % 100
//! 3. SELECT * FROM q ORDER BY c LIMIT 10
//! 4. SELECT count(*) FROM q JOIN s ON q.a = s.a (hash join 1M x 100k)
//! 5. 3 under SET work_mem = '64kB'
//! 6. SELECT a, c FROM q ORDER BY c (full sort, 4MB work_mem: spills) —
//!    only counted, rows not sent: wrapped in count(*).
//! 7. 1,000 `SELECT b FROM q WHERE a = k` through the unique index q_a.
//! 8. SELECT * FROM q ORDER BY a LIMIT 10 (read in index order).
//! 9. SELECT count(*) FROM q WHERE a BETWEEN 400000 AND 400999 (index range).

// A benchmark driver: failures end it with a message.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{connect, print_table, start_actorgres};
use tokio_postgres::{Client, SimpleQueryMessage};

/// The load, one statement at a time (VACUUM cannot run in the implicit
/// transaction of a multi-statement string).
const LOAD: &[&str] = &[
    "CREATE TABLE q (a int, b int, c text)",
    "INSERT INTO q SELECT x, x % 1000, 'row ' || ((x::int8 * 7919) % 1000003)::text FROM generate_series(1, 1000000) x",
    "CREATE TABLE s (a int)",
    "INSERT INTO s SELECT x * 10 FROM generate_series(1, 100000) x",
    "CREATE UNIQUE INDEX q_a ON q (a)",
    "VACUUM ANALYZE q",
    "VACUUM ANALYZE s",
];

/// 1,000 point lookups through the unique index on q.a, one statement
/// each, sent as one simple-query string.
fn lookups() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        (0..1000)
            .map(|i| format!("SELECT b FROM q WHERE a = {};", 1 + i * 997))
            .collect()
    })
}

fn workloads() -> Vec<(&'static str, &'static str, usize)> {
    let mut w = WORKLOADS.to_vec();
    w.push(("1,000 point lookups by index on q.a", lookups(), 1000));
    w.push((
        "ORDER BY a LIMIT 10 (index order)",
        "SELECT * FROM q ORDER BY a LIMIT 10",
        10,
    ));
    w.push((
        "index range of 1,000 rows, count(*)",
        "SELECT count(*) FROM q WHERE a BETWEEN 400000 AND 400999",
        1,
    ));
    w
}

const WORKLOADS: &[(&str, &str, usize)] = &[
    ("count(*) of 1M rows", "SELECT count(*) FROM q", 1),
    (
        "GROUP BY b % 100 with sum, 1M rows",
        "SELECT b % 100, sum(a) FROM q GROUP BY b % 100",
        100,
    ),
    (
        "ORDER BY c LIMIT 10, 1M rows",
        "SELECT * FROM q ORDER BY c LIMIT 10",
        10,
    ),
    (
        "hash join 1M x 100k, count(*)",
        "SELECT count(*) FROM q JOIN s ON q.a = s.a",
        1,
    ),
    (
        "ORDER BY c LIMIT 10 with work_mem = 64kB",
        "SET work_mem = '64kB'; SELECT * FROM q ORDER BY c LIMIT 10",
        10,
    ),
    (
        "full sort of 1M rows by c (spills past 4MB), counted",
        "SELECT count(*) FROM (SELECT a, c FROM q ORDER BY c OFFSET 0) x",
        1,
    ),
];

async fn timed(c: &Client, sql: &str, rows: usize) -> Duration {
    c.batch_execute("RESET work_mem").await.unwrap();
    let start = Instant::now();
    let msgs = c.simple_query(sql).await.unwrap();
    let elapsed = start.elapsed();
    let got = msgs
        .iter()
        .filter(|m| matches!(m, SimpleQueryMessage::Row(_)))
        .count();
    assert_eq!(got, rows, "{sql}");
    elapsed
}

/// The first value of every row, for checking both servers agree.
async fn answer(c: &Client, sql: &str) -> Vec<String> {
    c.simple_query(sql)
        .await
        .unwrap()
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            _ => None,
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let runs = common::runs();
    let refpg = common::refpg_port();
    let data = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut server = start_actorgres(&data.path().join("pgdata"), port);
    let targets = [("PostgreSQL 15", refpg), ("actorgres", port)];
    let mut answers: Vec<Vec<Vec<String>>> = Vec::new();
    let mut clients = Vec::new();
    for (name, port) in targets {
        let admin = connect(port, "postgres").await;
        admin
            .batch_execute("DROP DATABASE IF EXISTS benchq")
            .await
            .unwrap();
        admin.batch_execute("CREATE DATABASE benchq").await.unwrap();
        let c = connect(port, "benchq").await;
        let load = Instant::now();
        for stmt in LOAD {
            c.batch_execute(stmt).await.unwrap();
        }
        eprintln!("{name}: loaded in {:?}", load.elapsed());
        clients.push(c);
    }
    // Runs alternate between the servers, so a change in the machine's
    // load over the benchmark falls on both alike.
    let mut results = vec![vec![Vec::new(); workloads().len()]; targets.len()];
    for run in 0..runs {
        for ((name, _), (c, r)) in targets.iter().zip(clients.iter().zip(results.iter_mut())) {
            for (i, (_, sql, rows)) in workloads().iter().enumerate() {
                r[i].push(timed(c, sql, *rows).await);
            }
            eprintln!(
                "{name} run {}: {:?}",
                run + 1,
                r.iter().map(|v| v[run]).collect::<Vec<_>>()
            );
        }
    }
    for c in &clients {
        let mut a = Vec::new();
        for (_, sql, _) in workloads() {
            c.batch_execute("RESET work_mem").await.unwrap();
            let mut rows = answer(c, sql).await;
            rows.sort();
            a.push(rows);
        }
        answers.push(a);
    }
    let _ = server.kill();
    let _ = server.wait();
    for (i, (name, _, _)) in workloads().iter().enumerate() {
        assert_eq!(answers[0][i], answers[1][i], "answers differ: {name}");
    }
    let names: Vec<&str> = workloads().iter().map(|w| w.0).collect();
    print_table(&names, &results);
}
