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

use common::{check_golden, RawClient, Server};

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

/// Tables, DML, constraints and transactions, run in a fresh database
/// `golden_tables` (recorded the same way into tests/golden/tables.txt).
const TABLE_QUERIES: &[&str] = &[
    "CREATE TABLE t (a int NOT NULL, b text DEFAULT 'dflt', c numeric(6,2), d float8, e bool)",
    "CREATE TABLE t (x int)",
    "CREATE TABLE IF NOT EXISTS t (x int)",
    "INSERT INTO t VALUES (1, 'one', 1.5, 0.1, true), (2, 'two', 2.25, 1e100, false)",
    "INSERT INTO t (a) VALUES (3) RETURNING *",
    "INSERT INTO t (a, c) VALUES (4, 12.345) RETURNING a, c, b || '!' AS bang",
    "SELECT * FROM t",
    "SELECT a, b FROM t WHERE a > 1 AND e IS NOT TRUE",
    "SELECT t.a * 10 AS ten, upper(b) FROM t WHERE b LIKE 't%'",
    "SELECT 'abc' LIKE 'a_c', 'abc' LIKE '%b', 'abc' NOT LIKE '%b%', 'ABC' ILIKE 'a%', 'ABC' NOT ILIKE 'abc', 'a%c' LIKE 'a\\%c', 'a%c' LIKE 'a#%c' ESCAPE '#', 'a\\c' LIKE 'a\\c' ESCAPE '', NULL LIKE 'a', '' LIKE '%', 'x' LIKE ''",
    "SELECT 'abc' LIKE 'ab\\'",
    "SELECT 'abc' LIKE 'abc' ESCAPE 'xy'",
    "SELECT 1 LIKE '1'",
    "INSERT INTO t VALUES (NULL)",
    "INSERT INTO t (a, c) VALUES (5, 123456.0)",
    "INSERT INTO t (a) VALUES ('x')",
    "INSERT INTO t (a, zz) VALUES (1, 2)",
    "INSERT INTO t (a, a) VALUES (1, 2)",
    "INSERT INTO t VALUES (1, 'a', 1, 1, true, 6)",
    "INSERT INTO nosuch VALUES (1)",
    "UPDATE t SET b = 'changed' WHERE a >= 3",
    "UPDATE t SET b = 'none' WHERE a = 99",
    "UPDATE t SET a = NULL WHERE a = 1",
    "UPDATE t SET c = c * 2 WHERE a = 1 RETURNING a, c",
    "UPDATE t SET nosuch = 1",
    "SELECT bb FROM t",
    "SELECT t.aa, b FROM t",
    "SELECT x FROM t",
    "DELETE FROM t WHERE a = 4 RETURNING a, b",
    "DELETE FROM t WHERE a = 99",
    "SELECT a, b, c FROM t",
    "CREATE TABLE v (s varchar(3), ch char(3), i2 int2, by bytea, u uuid, dt date, ts timestamp, tz timestamptz, i8 int8, f4 float4)",
    "INSERT INTO v VALUES ('abc', 'x', 1, '\\x0102', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '2024-01-01 12:00:00', '2024-01-01 12:00:00+02', 9000000000, 1.5)",
    "INSERT INTO v (s) VALUES ('abcd')",
    "INSERT INTO v (i2) VALUES (40000)",
    "INSERT INTO v (u) VALUES ('not-a-uuid')",
    "INSERT INTO v (dt) VALUES ('2023-02-29')",
    "SELECT * FROM v",
    "CREATE TABLE c (x int CHECK (x > 0), y int, CHECK (y < x))",
    "INSERT INTO c VALUES (0, 0)",
    "INSERT INTO c VALUES (5, 6)",
    "INSERT INTO c VALUES (5, 4)",
    "UPDATE c SET x = -1",
    "ALTER TABLE c ADD COLUMN z text DEFAULT 'zz'",
    "ALTER TABLE c ADD COLUMN z text",
    "SELECT * FROM c",
    "ALTER TABLE c RENAME COLUMN z TO zed",
    "ALTER TABLE c RENAME COLUMN nosuch TO q",
    "ALTER TABLE c DROP COLUMN zed",
    "ALTER TABLE c DROP COLUMN nosuch",
    "ALTER TABLE c RENAME TO c2",
    "SELECT * FROM c",
    "SELECT * FROM c2",
    "ALTER TABLE c2 ADD COLUMN w int NOT NULL",
    "TRUNCATE c2",
    "SELECT * FROM c2",
    "CREATE TABLE f (x int) WITH (fillfactor = 70)",
    "CREATE TABLE f2 (x int) WITH (fillfactor = 5)",
    "CREATE TABLE f3 (x int) WITH (nosuch = 5)",
    "DROP TABLE f, c2",
    "DROP TABLE f",
    "DROP TABLE IF EXISTS f, c2",
    "BEGIN",
    "INSERT INTO t (a) VALUES (10)",
    "SELECT 1/0",
    "SELECT 1",
    "ROLLBACK",
    "SELECT a FROM t WHERE a = 10",
    "BEGIN; INSERT INTO t (a) VALUES (11); SAVEPOINT s1; INSERT INTO t (a) VALUES (12); ROLLBACK TO s1; INSERT INTO t (a) VALUES (13); RELEASE s1; COMMIT",
    "SELECT a FROM t WHERE a > 10",
    "ROLLBACK TO nosuch",
    "BEGIN; ROLLBACK TO nosuch",
    "ROLLBACK",
    "COMMIT",
    "SAVEPOINT x",
    "START TRANSACTION ISOLATION LEVEL REPEATABLE READ",
    "SHOW transaction_isolation",
    "COMMIT",
    "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY; SHOW transaction_isolation; SHOW transaction_read_only; COMMIT",
    "BEGIN ISOLATION LEVEL READ UNCOMMITTED; SHOW transaction_isolation; COMMIT",
    "INSERT INTO t (a, b) SELECT 30, 'selected'",
    "INSERT INTO t (a, b) VALUES (DEFAULT, DEFAULT)",
    "SELECT a, b FROM t WHERE a >= 30",
    "BEGIN",
    "END",
    "BEGIN READ ONLY",
    "INSERT INTO t (a) VALUES (1)",
    "ROLLBACK",
    "INSERT INTO t (a) VALUES (20); SELECT 1/0",
    "SELECT a FROM t WHERE a = 20",
    "BEGIN; CREATE DATABASE nope",
    "ROLLBACK",
    "CREATE DATABASE golden_tables",
    "DROP DATABASE nosuch",
    "DROP DATABASE golden_tables",
    "SELECT oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typelem, typarray FROM pg_type WHERE oid IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 705, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802, 1000, 1007, 1009, 1015, 1231, 2951)",
    "SELECT typname FROM pg_catalog.pg_type WHERE typname = 'int4'",
    "VACUUM t",
    "ANALYZE",
    "ANALYZE t",
    "ANALYZE t (a, b)",
    "ANALYZE t (nosuch)",
    "ANALYZE nosuch",
    "BEGIN; ANALYZE t; COMMIT",
    "VACUUM nosuch",
    "BEGIN; VACUUM; ROLLBACK",
    "CHECKPOINT",
    "DROP TABLE t, v, c",
];

fn run_all(port: u16) -> String {
    let (c, _) = RawClient::startup(port, "postgres");
    run_queries(c, QUERIES)
}

fn run_queries(mut c: RawClient, queries: &[&str]) -> String {
    let mut out = String::new();
    for q in queries {
        out.push_str(&format!(">>> {q}\n"));
        for line in c.query(q) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Runs the table queries in a fresh database `golden_tables`.
fn run_tables(port: u16) -> String {
    let (mut admin, _) = RawClient::startup(port, "postgres");
    admin.query("DROP DATABASE IF EXISTS golden_tables");
    let created = admin.query("CREATE DATABASE golden_tables");
    assert!(
        created
            .iter()
            .any(|l| l == "CommandComplete CREATE DATABASE"),
        "{created:?}"
    );
    let (c, _) = RawClient::startup_db(port, "postgres", "golden_tables");
    run_queries(c, TABLE_QUERIES)
}

#[test]
fn simple_query_answers_match_postgres() {
    check_golden(GOLDEN, run_all);
}

#[test]
fn table_answers_match_postgres() {
    check_golden("tests/golden/tables.txt", run_tables);
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
