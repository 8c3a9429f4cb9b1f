//! Conformance: SQLite's sqllogictest corpus (../shared/sqllogictest, which
//! PostgreSQL 15 passes) and the project's own files (tests/slt/*.slt,
//! whose expected answers were recorded from PostgreSQL 15), run through
//! the `sqllogictest` crate against the real server binary over the
//! simple query protocol, as sqllogictest-rs's postgres engine does.
//!
//! Each file gets a fresh database (CREATE DATABASE, as `-j 1` does).
//! Every record is run and counted; the pass count of each file must not
//! drop below the one recorded in tests/slt/baseline.txt (the goal is
//! every record of every file). `SLT_TARGET=refpg` runs the same files
//! against the reference PostgreSQL (../shared/tools/refpg start) to
//! show the expectations are PostgreSQL's; `SLT_RECORD=1` rewrites the
//! baseline from this run; `SLT_SHOW=n` prints the first n failures of
//! each file (default 5). `SLT_ONLY=part` runs only the files whose name
//! contains `part` (while working on one; never with SLT_RECORD).
//!
//! Without ../shared (a clone outside the workspace) the corpus part is
//! skipped with a message; tests/slt always runs.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqllogictest::{DBOutput, DefaultColumnType, Record, Runner};
use tokio_postgres::SimpleQueryMessage;

/// One connection as the runner sees it.
struct Conn {
    client: tokio_postgres::Client,
}

#[derive(Debug)]
struct Error(tokio_postgres::Error);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => write!(f, "{}: {}", db.code().code(), db.message()),
            None => write!(f, "{}", self.0),
        }
    }
}

impl std::error::Error for Error {}

#[async_trait::async_trait]
impl sqllogictest::AsyncDB for Conn {
    type Error = Error;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, Error> {
        let messages = self.client.simple_query(sql).await.map_err(Error)?;
        let mut rows = Vec::new();
        let mut width = None;
        let mut count = 0;
        for m in messages {
            match m {
                SimpleQueryMessage::RowDescription(cols) => width = Some(cols.len()),
                SimpleQueryMessage::Row(row) => {
                    width = Some(row.len());
                    rows.push(
                        (0..row.len())
                            .map(|i| match row.get(i) {
                                Some("") => "(empty)".to_owned(),
                                Some(v) => v.to_owned(),
                                None => "NULL".to_owned(),
                            })
                            .collect(),
                    );
                }
                SimpleQueryMessage::CommandComplete(n) => count = n,
                _ => {}
            }
        }
        Ok(match width {
            Some(w) => DBOutput::Rows {
                types: vec![DefaultColumnType::Any; w],
                rows,
            },
            None => DBOutput::StatementComplete(count),
        })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "postgres"
    }

    fn error_sql_state(err: &Error) -> Option<String> {
        err.0.code().map(|c| c.code().to_owned())
    }
}

/// Pass and fail counts of one file, with the first failures.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    first_failures: Vec<String>,
}

/// Runs every record of `file` in a fresh database on `port`.
async fn run_file(port: u16, file: &Path, db: &str) -> Tally {
    let admin = common::connect_to(&conninfo(port, "postgres")).await;
    let _ = admin
        .simple_query(&format!("DROP DATABASE IF EXISTS {db}"))
        .await;
    admin
        .simple_query(&format!("CREATE DATABASE {db}"))
        .await
        .unwrap();
    let info = conninfo(port, db);
    let mut runner = Runner::new(move || {
        let info = info.clone();
        async move {
            let client = common::connect_to(&info).await;
            Ok::<_, Error>(Conn { client })
        }
    });
    let records = sqllogictest::parse_file::<DefaultColumnType>(file).unwrap();
    let mut tally = Tally::default();
    for record in records {
        let counted = matches!(record, Record::Statement { .. } | Record::Query { .. });
        match runner.run_async(record).await {
            Ok(_) if counted => tally.passed += 1,
            Ok(_) => {}
            Err(e) => {
                tally.failed += 1;
                let show = std::env::var("SLT_SHOW")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(5);
                if tally.first_failures.len() < show {
                    let text = e.display(false).to_string();
                    tally.first_failures.push(text.chars().take(600).collect());
                }
            }
        }
    }
    drop(runner);
    let _ = admin
        .simple_query(&format!("DROP DATABASE IF EXISTS {db}"))
        .await;
    tally
}

fn conninfo(port: u16, db: &str) -> String {
    format!("host=127.0.0.1 port={port} user=postgres dbname={db} application_name=slt")
}

/// The .test/.slt files under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("test" | "slt")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt/baseline.txt")
}

/// file name → recorded pass count.
fn read_baseline() -> BTreeMap<String, usize> {
    std::fs::read_to_string(baseline_path())
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some((parts.next()?.to_owned(), parts.next()?.parse().ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqllogictest_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/sqllogictest");
    let mut all = files(&root.join("tests/slt"));
    if corpus.is_dir() {
        all.extend(files(&corpus));
    } else {
        eprintln!(
            "skipping SQLite's sqllogictest corpus: {} is not here (it is in the workspace's ../shared)",
            corpus.display()
        );
    }
    let (_server, port) = match std::env::var("SLT_TARGET").as_deref() {
        Ok("refpg") => (
            None,
            common::refpg_port().expect("SLT_TARGET=refpg needs ../shared/tools/refpg start"),
        ),
        _ => {
            // Plans are compared with recorded ones: an automatic ANALYZE
            // between two statements would change the estimates under
            // which a file's EXPLAIN output was recorded.
            let s = common::Server::start(&["autovacuum=off"]);
            let port = s.port;
            (Some(s), port)
        }
    };
    let baseline = read_baseline();
    let mut report = String::from("# file passed failed (SQLite's corpus and tests/slt)\n");
    let mut regressions = Vec::new();
    let only = std::env::var("SLT_ONLY").ok();
    for (i, file) in all.iter().enumerate() {
        let name = file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace("../shared/", "");
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let tally = run_file(port, file, &format!("slt_{i}")).await;
        eprintln!("{name}: {} passed, {} failed", tally.passed, tally.failed);
        for f in &tally.first_failures {
            eprintln!("  {f}");
        }
        report.push_str(&format!("{name} {} {}\n", tally.passed, tally.failed));
        let want = baseline.get(&name).copied().unwrap_or(0);
        // The project's own files must pass completely.
        let must_pass_all = name.starts_with("tests/slt/");
        if tally.passed < want || (must_pass_all && tally.failed > 0) {
            regressions.push(format!(
                "{name}: {} passed, {} failed (baseline {want})",
                tally.passed, tally.failed
            ));
        }
    }
    if std::env::var("SLT_RECORD").is_ok() {
        std::fs::write(baseline_path(), &report).unwrap();
    }
    assert!(
        regressions.is_empty(),
        "fewer records pass than recorded:\n{}",
        regressions.join("\n")
    );
}
