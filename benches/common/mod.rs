//! What the benchmarks share: connecting, starting actorgres next to the
//! reference PostgreSQL, and printing ratios.
// Each benchmark uses some of these.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

/// A connection to `db` on `port`, driven on a task.
pub async fn connect(port: u16, db: &str) -> Client {
    let conninfo = format!("host=127.0.0.1 port={port} user=postgres dbname={db}");
    let (client, conn) = tokio_postgres::connect(&conninfo, NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect to {conninfo}: {e}"));
    tokio::spawn(conn);
    client
}

/// BENCH_RUNS (default 3).
pub fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// The reference PostgreSQL's port; exits with a message when it is not
/// running.
pub fn refpg_port() -> u16 {
    let refpg: u16 = std::env::var("REFPG_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(55499);
    if std::net::TcpStream::connect(("127.0.0.1", refpg)).is_err() {
        eprintln!("PostgreSQL 15 is not running on 127.0.0.1:{refpg}; start it with ../shared/tools/refpg start");
        std::process::exit(1);
    }
    refpg
}

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the release binary on `data` and waits until it accepts.
pub fn start_actorgres(data: &std::path::Path, port: u16) -> Child {
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

/// The fastest of several runs.
pub fn best(runs: &[Duration]) -> Duration {
    runs.iter().copied().min().unwrap()
}

/// Prints the side-by-side table: `results[0]` PostgreSQL, `[1]` actorgres.
pub fn print_table(names: &[&str], results: &[Vec<Vec<Duration>>]) {
    println!(
        "| workload | PostgreSQL 15 | actorgres | ratio (actorgres / PG time) | ratio of medians |"
    );
    println!("|---|---|---|---|---|");
    for (i, name) in names.iter().enumerate() {
        let (pg, ag) = (&results[0][i], &results[1][i]);
        println!(
            "| {name} | {:.3} s | {:.3} s | {:.2} | {:.2} |",
            best(pg).as_secs_f64(),
            best(ag).as_secs_f64(),
            best(ag).as_secs_f64() / best(pg).as_secs_f64(),
            median(ag).as_secs_f64() / median(pg).as_secs_f64()
        );
    }
}

/// The middle run (the upper one of two middles): less moved by one
/// lucky or unlucky run than the best.
pub fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
