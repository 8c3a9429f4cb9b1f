//! Planner benchmarks: join queries written in orders that are slow as
//! written, and psql's describe commands (catalog joins), side by side
//! with PostgreSQL 15 on this machine in the same run, servers
//! alternating run by run. Reports both times and the ratio actorgres /
//! PostgreSQL (lower is better for actorgres).
//!
//!     ../shared/tools/refpg start
//!     cargo bench --bench planner
//!
//! Data: tests/golden/planner/schema.sql (tables of 30 to 50,000 rows,
//! one with a primary key), and tests/golden/psql_describe/schema.sql in
//! its own database for the describe commands (commands.txt, five passes
//! in one psql session; skipped without psql).

// A benchmark driver: failures end it with a message.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{connect, print_table, start_actorgres};
use tokio_postgres::Client;

const WORKLOADS: &[(&str, &str)] = &[
    (
        "5-table comma join in a bad order",
        "SELECT count(*) FROM j1, j5, j4, j3, j2 WHERE a1 = d5 AND a3 = b5 AND a4 = c3 AND a2 = d4 AND b1 < 50",
    ),
    (
        "10-table self join chain of j1",
        "SELECT count(*) FROM j1 t1, j1 t2, j1 t3, j1 t4, j1 t5, j1 t6, j1 t7, j1 t8, j1 t9, j1 t10 \
         WHERE t1.a1 = t2.d1 AND t2.a1 = t3.d1 AND t3.a1 = t4.d1 AND t4.a1 = t5.d1 AND t5.a1 = t6.d1 \
         AND t6.a1 = t7.d1 AND t7.a1 = t8.d1 AND t8.a1 = t9.d1 AND t9.a1 = t10.d1 AND t1.b1 = 3",
    ),
    (
        "20 outer rows through a primary key of 50,000",
        "SELECT count(b.note) FROM small s JOIN big b ON b.id = s.big_id",
    ),
    (
        "correlated EXISTS (semi join)",
        "SELECT count(*) FROM j5 WHERE EXISTS (SELECT 1 FROM big WHERE big.id = j5.a5 * 3 AND grp = 1)",
    ),
    (
        "correlated NOT EXISTS (anti join)",
        "SELECT count(*) FROM big WHERE NOT EXISTS (SELECT 1 FROM j5 WHERE j5.a5 = big.id)",
    ),
    (
        "uncorrelated IN over 10,000 values",
        "SELECT count(*) FROM big WHERE id IN (SELECT a5 * 2 FROM j5)",
    ),
    (
        "view joined, filter pushed into it",
        "SELECT count(*) FROM v12, j5 WHERE a5 = a1 AND b1 = 17",
    ),
];

async fn timed(c: &Client, sql: &str) -> (Duration, String) {
    let start = Instant::now();
    let rows = c.simple_query(sql).await.unwrap();
    let elapsed = start.elapsed();
    let answer = rows
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(",");
    (elapsed, answer)
}

/// psql's describe commands, five passes in one session; None without psql.
fn describe(port: u16, dir: &Path) -> Option<Duration> {
    let psql = ["/usr/lib/postgresql/15/bin/psql", "psql"]
        .into_iter()
        .find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok()
        })?;
    let commands = std::fs::read_to_string(dir.join("commands.txt")).unwrap();
    let mut args: Vec<String> = [
        "-X",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-d",
        "describe_bench",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(["-p".to_owned(), port.to_string()]);
    for _ in 0..5 {
        for c in commands.lines() {
            args.extend(["-c".to_owned(), c.to_owned()]);
        }
    }
    let start = Instant::now();
    let out = std::process::Command::new(psql)
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success(), "psql failed");
    Some(start.elapsed())
}

#[tokio::main]
async fn main() {
    let runs = common::runs();
    let refpg = common::refpg_port();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut server = start_actorgres(&data.path().join("pgdata"), port);
    let targets = [("PostgreSQL 15", refpg), ("actorgres", port)];
    let describe_dir = root.join("tests/golden/psql_describe");
    let mut clients = Vec::new();
    for (_, port) in targets {
        let admin = connect(port, "postgres").await;
        for db in ["benchplan", "describe_bench"] {
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
                .await
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .await
                .unwrap();
        }
        let c = connect(port, "benchplan").await;
        c.batch_execute(
            &std::fs::read_to_string(root.join("tests/golden/planner/schema.sql")).unwrap(),
        )
        .await
        .unwrap();
        let d = connect(port, "describe_bench").await;
        d.batch_execute(&std::fs::read_to_string(describe_dir.join("schema.sql")).unwrap())
            .await
            .unwrap();
        clients.push(c);
    }
    let with_describe = describe(refpg, &describe_dir).is_some();
    let mut names: Vec<&str> = WORKLOADS.iter().map(|w| w.0).collect();
    if with_describe {
        names.push("psql describe commands (145)");
    }
    let mut results = vec![vec![Vec::new(); names.len()]; targets.len()];
    let mut answers = vec![Vec::new(); targets.len()];
    for run in 0..runs {
        for (t, ((name, port), c)) in targets.iter().zip(&clients).enumerate() {
            for (i, (_, sql)) in WORKLOADS.iter().enumerate() {
                let (d, answer) = timed(c, sql).await;
                results[t][i].push(d);
                if run == 0 {
                    answers[t].push(answer);
                }
            }
            if with_describe {
                if let Some(d) = describe(*port, &describe_dir) {
                    results[t][WORKLOADS.len()].push(d);
                }
            }
            eprintln!("{name} run {} done", run + 1);
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    for (i, (name, _)) in WORKLOADS.iter().enumerate() {
        assert_eq!(answers[0][i], answers[1][i], "answers differ: {name}");
    }
    print_table(&names, &results);
}
