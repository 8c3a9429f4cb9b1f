//! The planner's choices, as EXPLAIN (COSTS OFF) shows them, for the
//! queries of tests/golden/planner/queries.sql over schema.sql: join
//! order and hash sides, conditions pushed into scans, parameterized
//! nested loops, semi and anti joins. Each query's plan and answer are
//! compared with tests/golden/planner/expected.txt, which is the reviewed
//! output of this planner (the answers are PostgreSQL 15's: record.sh
//! checks them against the reference server). `PLANNER_RECORD=1`
//! rewrites the file from this run.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::Server;

/// The queries of queries.sql with the comment above each.
fn queries(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut comment = String::new();
    for line in text.lines() {
        if let Some(c) = line.strip_prefix("-- ") {
            comment = c.to_owned();
        } else if !line.trim().is_empty() {
            out.push((comment.clone(), line.trim_end_matches(';').to_owned()));
        }
    }
    out
}

/// Every value of every row, tab-separated.
fn rows(messages: &[tokio_postgres::SimpleQueryMessage]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                    .collect::<Vec<_>>()
                    .join("\t"),
            ),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn plans_and_answers_match_the_golden_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/planner");
    // No automatic ANALYZE may change the estimates mid-file.
    let server = Server::start(&["autovacuum=off"]);
    let c = server.connect().await;
    c.batch_execute(&std::fs::read_to_string(dir.join("schema.sql")).unwrap())
        .await
        .unwrap();
    let mut got = String::new();
    for (comment, q) in queries(&std::fs::read_to_string(dir.join("queries.sql")).unwrap()) {
        let plan = c
            .simple_query(&format!("EXPLAIN (COSTS OFF) {q}"))
            .await
            .unwrap();
        let mut answer = rows(&c.simple_query(&q).await.unwrap());
        answer.sort();
        got.push_str(&format!("-- {comment}\n{q};\n"));
        for line in rows(&plan) {
            got.push_str(&format!("{line}\n"));
        }
        got.push_str("answer:\n");
        for line in answer {
            got.push_str(&format!("  {line}\n"));
        }
        got.push('\n');
    }
    let path = dir.join("expected.txt");
    if std::env::var("PLANNER_RECORD").is_ok() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    if got != want {
        let diff: Vec<String> = got
            .lines()
            .zip(want.lines())
            .enumerate()
            .filter(|(_, (g, w))| g != w)
            .take(10)
            .map(|(i, (g, w))| format!("line {}: got {g:?}, want {w:?}", i + 1))
            .collect();
        panic!(
            "plans differ from tests/golden/planner/expected.txt:\n{}",
            diff.join("\n")
        );
    }
}
