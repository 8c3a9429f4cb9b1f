//! Byte-level behaviour checked against PostgreSQL 15's own answers.
//!
//! Each query below runs through a raw protocol client and every backend
//! message is rendered as a line (RowDescription with type OIDs, sizes and
//! typmods; DataRow values; error SQLSTATE, message, position). The
//! expected lines in tests/golden/simple_query.txt were recorded from
//! PostgreSQL 15:
//!
//!     ../shared/tools/refpg start
//!     UPDATE_GOLDENFILES=1 cargo test --test wire_golden
//!
//! and `GOLDEN_TARGET=refpg cargo test --test wire_golden` checks the file
//! against the reference server instead of actorgres.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{refpg_port, RawClient, Server};

/// The queries of the golden file, in order.
const QUERIES: &[&str] = &[
    "SELECT 1;",
    "SELECT 1 + 2 AS three, 'a' || 'b', NULL, true, 2.5, -7::int8, 10 / 4, 10.0 / 4;",
    "SELECT 1; SELECT 2;",
    "",
    ";",
    "SET application_name = 'x'",
    "SHOW application_name",
    "RESET application_name",
    "SHOW application_name",
    "SHOW work_mem",
    "SHOW statement_timeout",
    "SHOW TimeZone",
    "SHOW DateStyle",
    "SHOW integer_datetimes",
    "SHOW standard_conforming_strings",
    "SET work_mem TO '64kB'; SHOW work_mem",
    "SELEC 1",
    "SELECT 1 +",
    "SELECT 'abc",
    "SELECT 1; SELEC 2",
    "SELECT 1; SELECT 1/0; SELECT 3",
    "SELECT foo(1)",
    "SELECT length(1)",
    "select 1/0",
    "select 2147483647 + 1",
    "select 'a' + 'b'",
    "select 1 + true",
    "select 'abc'::int",
    "select '99999999999'::int4",
    "SHOW nosuch",
    "SET nosuch = 1",
    "SET work_mem = 'abc'",
    "SET work_mem = 10",
    "SET port = 1",
    "SET LOCAL work_mem = '1MB'",
    "SELECT 0.1::float8, 1e15::float8, 1e14::float8, 1e-5::float8, 1.5::float4, 'NaN'::float8, '-Infinity'::float8, 1.0::float8 / 3",
    "SELECT 1.0/3, 10/3.0, 2.50::numeric(5,1), -0.000, 1e3::numeric, 'NaN'::numeric",
    "SELECT pg_typeof(1), pg_typeof(2.5), pg_typeof('a'), pg_typeof(now()), pg_typeof(9999999999)",
    "SELECT CASE WHEN 1 > 0 THEN 'yes' END, COALESCE(NULL, 'x'), NULLIF(1, 1), GREATEST(1, 2.5), 3 BETWEEN 1 AND 5, 2 IN (1, 2), NULL IS NULL",
    "select 'x'::varchar(10), 'ab'::char(4), 1::int2, 2::int8, true::text, 1.23456::numeric(4,2)",
    "select E'a\\tb', $$dollar$$, 'it''s'",
    "SELECT pg_sleep(0)",
    "select length('héllo'), upper('abc'), substring('hello' from 2 for 3), position('l' in 'hello')",
    "select 7 / 2.0::float4, 2 ^ 10, abs(-3), -(-3), 5 % 3, -5 % 3",
    "select 1 where false",
    "select 1 where true",
    "select x",
    "select 1 where 1",
    "select interval '1 day 2 hours', date '2024-02-29', '2024-01-01 12:00:00'::timestamp",
];

const GOLDEN: &str = "tests/golden/simple_query.txt";

fn run_all(port: u16) -> String {
    let (mut c, _) = RawClient::startup(port, "postgres");
    let mut out = String::new();
    for q in QUERIES {
        out.push_str(&format!(">>> {q}\n"));
        for line in c.query(q) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[test]
fn simple_query_answers_match_postgres() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("UPDATE_GOLDENFILES").is_some() {
        let port = refpg_port()
            .expect("UPDATE_GOLDENFILES needs the reference server: ../shared/tools/refpg start");
        std::fs::write(&path, run_all(port)).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("golden file");
    let got = if std::env::var("GOLDEN_TARGET").as_deref() == Ok("refpg") {
        run_all(refpg_port().expect("GOLDEN_TARGET=refpg needs the reference server"))
    } else {
        let server = Server::start(&[]);
        run_all(server.port)
    };
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("  want: {a}\n   got: {b}"))
            .collect();
        panic!("answers differ from PostgreSQL 15's:\n{}", diff.join("\n"));
    }
}

/// The startup sequence: AuthenticationOk, the ParameterStatus set
/// PostgreSQL 15 sends (same names, same order), BackendKeyData,
/// ReadyForQuery.
#[test]
fn startup_sequence_matches_postgres() {
    let server = Server::start(&[]);
    let (_c, msgs) = RawClient::startup(server.port, "alice");
    let names: Vec<&str> = msgs
        .iter()
        .map(|m| m.split('=').next().unwrap_or(m))
        .collect();
    assert_eq!(
        names,
        [
            "AuthenticationOk",
            "ParameterStatus application_name",
            "ParameterStatus client_encoding",
            "ParameterStatus DateStyle",
            "ParameterStatus default_transaction_read_only",
            "ParameterStatus in_hot_standby",
            "ParameterStatus integer_datetimes",
            "ParameterStatus IntervalStyle",
            "ParameterStatus is_superuser",
            "ParameterStatus server_encoding",
            "ParameterStatus server_version",
            "ParameterStatus session_authorization",
            "ParameterStatus standard_conforming_strings",
            "ParameterStatus TimeZone",
            "BackendKeyData",
            "ReadyForQuery I",
        ]
    );
    for expected in [
        "ParameterStatus application_name=raw",
        "ParameterStatus client_encoding=UTF8",
        "ParameterStatus DateStyle=ISO, MDY",
        "ParameterStatus integer_datetimes=on",
        "ParameterStatus session_authorization=alice",
        "ParameterStatus standard_conforming_strings=on",
        "ParameterStatus TimeZone=Etc/UTC",
    ] {
        assert!(msgs.iter().any(|m| m == expected), "missing {expected}");
    }
    let version = msgs
        .iter()
        .find_map(|m| m.strip_prefix("ParameterStatus server_version="))
        .unwrap();
    assert!(version.starts_with("15."), "{version}");
}
