//! pgbench and COPY side by side with PostgreSQL 15 on this machine in the
//! same run. Prints each figure for both servers, the ratio
//! and the ratio of medians; the servers take turns run by run so a
//! drift in the machine's load falls on both.
//!
//!     ../shared/tools/refpg start
//!     cargo bench --bench pgbench
//!
//! Workloads (database `bench_pgbench` on each server, scale BENCH_SCALE,
//! default 10; BENCH_RUNS runs of each, default 3):
//! 1. `pgbench -i` with client-side generation (COPY ... FREEZE) and with
//!    `-I dtGvp` (server-side `INSERT ... SELECT ... generate_series`);
//! 2. COPY of 1,000,000 pgbench_accounts-like rows in (text, from a
//!    client) and out (the whole table to a client that only counts bytes);
//! 3. pgbench for BENCH_SECONDS (default 10) each, 8 clients and 2
//!    threads, `-n` after one VACUUM: `-S`, `-S -M prepared`, TPC-B, TPC-B
//!    `-M prepared`, `-S -C` (a connection per transaction), `-S -c 1`.
//!
//! Both servers run with their defaults (shared_buffers = 128MB, fsync and
//! synchronous_commit on), data in /tmp.

// A benchmark driver: failures end it with a message.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{connect, refpg_port, runs, start_actorgres};
use futures::{SinkExt, TryStreamExt};

const PGBIN: &str = "/usr/lib/postgresql/15/bin";
const DB: &str = "bench_pgbench";
const COPY_ROWS: usize = 1_000_000;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs pgbench against `port`; its output.
fn pgbench(port: u16, args: &[&str]) -> String {
    let out = Command::new(format!("{PGBIN}/pgbench"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .args(args)
        .arg(DB)
        .output()
        .expect("run pgbench");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pgbench {args:?} on {port}:\n{text}");
    text
}

/// The tps pgbench reported.
fn tps(output: &str) -> f64 {
    output
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tps in:\n{output}"))
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

async fn copy_in(port: u16) -> Duration {
    let c = connect(port, DB).await;
    c.batch_execute(
        "DROP TABLE IF EXISTS copy_t; CREATE TABLE copy_t (aid int NOT NULL, bid int, abalance int, filler char(84))",
    )
    .await
    .unwrap();
    let mut chunks = Vec::new();
    let mut data = String::new();
    for aid in 1..=COPY_ROWS {
        data.push_str(&format!("{aid}\t{}\t0\t\n", (aid - 1) / 100_000 + 1));
        if data.len() > 64 * 1024 {
            chunks.push(Bytes::from(std::mem::take(&mut data)));
        }
    }
    chunks.push(Bytes::from(data));
    let t = Instant::now();
    let sink = c.copy_in("COPY copy_t FROM STDIN").await.unwrap();
    futures::pin_mut!(sink);
    for chunk in chunks {
        sink.send(chunk).await.unwrap();
    }
    assert_eq!(sink.finish().await.unwrap(), COPY_ROWS as u64);
    // The COPY commits at the Sync behind it, answered after its
    // CommandComplete: the next query on this connection waits for it.
    c.batch_execute("SELECT 1").await.unwrap();
    t.elapsed()
}

async fn copy_out(port: u16) -> Duration {
    let c = connect(port, DB).await;
    let t = Instant::now();
    let stream = c.copy_out("COPY copy_t TO STDOUT").await.unwrap();
    futures::pin_mut!(stream);
    let mut bytes = 0usize;
    while let Some(chunk) = stream.try_next().await.unwrap() {
        bytes += chunk.len();
    }
    assert!(bytes > COPY_ROWS * 90, "{bytes} bytes from {port}");
    t.elapsed()
}

/// Figures of one workload: per run, PostgreSQL's then actorgres's.
struct Figures {
    name: String,
    pg: Vec<f64>,
    ag: Vec<f64>,
}

/// The median of `v` (the upper one of an even count).
fn median_of(v: &[f64]) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Prints `rows` as a table: each server's best run (`best` picks it),
/// formatted by `show`, and the ratios actorgres / PostgreSQL.
fn print_table(
    rows: &[Figures],
    header: &str,
    best: fn(f64, f64) -> f64,
    start: f64,
    show: fn(f64) -> String,
) {
    println!("{header}");
    println!("|---|---|---|---|---|");
    for f in rows {
        let top = |v: &[f64]| v.iter().copied().fold(start, best);
        println!(
            "| {} | {} | {} | {:.2} | {:.2} |",
            f.name,
            show(top(&f.pg)),
            show(top(&f.ag)),
            top(&f.ag) / top(&f.pg),
            median_of(&f.ag) / median_of(&f.pg)
        );
    }
}

fn print_times(rows: &[Figures]) {
    print_table(
        rows,
        "| workload | PostgreSQL 15 | actorgres | ratio (actorgres / PG time) | ratio of medians |",
        f64::min,
        f64::MAX,
        |s| format!("{s:.2} s"),
    );
}

fn print_tps(rows: &[Figures]) {
    print_table(
        rows,
        "| workload | PostgreSQL 15 tps | actorgres tps | ratio (actorgres / PG tps) | ratio of medians |",
        f64::max,
        0.0,
        |t| format!("{t:.0}"),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let refpg = refpg_port();
    let data = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut child = start_actorgres(&data.path().join("pgdata"), port);
    for p in [refpg, port] {
        let admin = connect(p, "postgres").await;
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {DB}"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {DB}"))
            .await
            .unwrap();
    }
    let scale = env_or("BENCH_SCALE", 10).to_string();
    let seconds = env_or("BENCH_SECONDS", 10).to_string();
    let n = runs();
    let servers = [refpg, port];
    // Alternate which server goes first, run by run.
    let order = |run: usize| {
        if run.is_multiple_of(2) {
            [0, 1]
        } else {
            [1, 0]
        }
    };

    let mut times = vec![
        Figures {
            name: format!("pgbench -i -s {scale} (client-side COPY)"),
            pg: vec![],
            ag: vec![],
        },
        Figures {
            name: format!("pgbench -i -I dtGvp -s {scale} (server-side generate)"),
            pg: vec![],
            ag: vec![],
        },
        Figures {
            name: "COPY 1M rows in (text)".into(),
            pg: vec![],
            ag: vec![],
        },
        Figures {
            name: "COPY 1M rows out (text)".into(),
            pg: vec![],
            ag: vec![],
        },
    ];
    for run in 0..n {
        for s in order(run) {
            let p = servers[s];
            let results = [
                timed(|| {
                    pgbench(p, &["-i", "-I", "dtGvp", "-s", &scale, "-q"]);
                }),
                timed(|| {
                    pgbench(p, &["-i", "-s", &scale, "-q"]);
                }),
                copy_in(p).await,
                copy_out(p).await,
            ];
            // Listed client-side first.
            for (i, d) in [results[1], results[0], results[2], results[3]]
                .iter()
                .enumerate()
            {
                let v = if s == 0 {
                    &mut times[i].pg
                } else {
                    &mut times[i].ag
                };
                v.push(d.as_secs_f64());
            }
        }
    }
    let workloads: Vec<(&str, Vec<&str>)> = vec![
        ("-S", vec!["-S"]),
        ("-S -M prepared", vec!["-S", "-M", "prepared"]),
        ("TPC-B", vec![]),
        ("TPC-B -M prepared", vec!["-M", "prepared"]),
        ("-S -C", vec!["-S", "-C"]),
        ("-S -c 1", vec!["-S", "-c", "1", "-j", "1"]),
    ];
    let mut rates: Vec<Figures> = workloads
        .iter()
        .map(|(name, _)| Figures {
            name: format!("pgbench {name}"),
            pg: vec![],
            ag: vec![],
        })
        .collect();
    for p in servers {
        let c = connect(p, DB).await;
        c.batch_execute("VACUUM").await.unwrap();
    }
    for (w, (_, args)) in workloads.iter().enumerate() {
        for run in 0..n {
            for s in order(run) {
                let mut a: Vec<&str> = vec!["-n", "-T", &seconds];
                if !args.contains(&"-c") {
                    a.extend(["-c", "8", "-j", "2"]);
                }
                a.extend(args.iter().copied());
                let t = tps(&pgbench(servers[s], &a));
                let v = if s == 0 {
                    &mut rates[w].pg
                } else {
                    &mut rates[w].ag
                };
                v.push(t);
            }
        }
    }
    println!("\nTimes (best of {n}; lower is better for actorgres):\n");
    print_times(&times);
    println!("\nThroughput (best of {n}; higher is better for actorgres):\n");
    print_tps(&rates);
    let _ = child.kill();
    let _ = child.wait();
}
