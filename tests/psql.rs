//! psql, the PostgreSQL command-line client, against actorgres. Skipped
//! (with a message) where psql is not installed; .ci/run installs it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{psql, Server};

fn psql_cmd(server: &Server) -> Option<Command> {
    let Some(bin) = psql() else {
        eprintln!("skipping: psql is not installed (apt-get install postgresql-client)");
        return None;
    };
    let mut c = common::client(server, &bin);
    c.args(["-X", "-d", "postgres"]);
    Some(c)
}

#[test]
fn psql_runs_queries_and_reports_errors() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let out = cmd
        .args([
            "-c",
            "SELECT 1 + 2 AS three, 'a' || 'b', NULL, true, 2.5, -7::int8, 10 / 4, 10.0 / 4;",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // psql's aligned table, exactly as it prints PostgreSQL 15's answer.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        " three | ?column? | ?column? | ?column? | ?column? | ?column? | ?column? |      ?column?      \n\
         -------+----------+----------+----------+----------+----------+----------+--------------------\n\
         \x20    3 | ab       |          | t        |      2.5 |       -7 |        2 | 2.5000000000000000\n\
         (1 row)\n\n"
    );

    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let out = cmd.args(["-c", "selec 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ERROR:  syntax error at or near \"selec\"\nLINE 1: selec 1\n        ^\n"
    );
}

#[test]
fn client_min_messages_filters_notices_and_info_always_reaches_the_client() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let script = "CREATE TABLE cmm (a int);\n\
        DROP TABLE IF EXISTS cmm_none;\n\
        SET client_min_messages = warning;\n\
        DROP TABLE IF EXISTS cmm_none;\n\
        CREATE VIEW cmm_v AS SELECT 1 AS one;\n\
        ANALYZE cmm_v;\n\
        SET client_min_messages = error;\n\
        ANALYZE cmm_v;\n\
        ANALYZE VERBOSE cmm;\n\
        RESET client_min_messages;\n\
        DROP TABLE IF EXISTS cmm_none;\n";
    let out = cmd.args(["-q", "-c", script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What PostgreSQL 15 prints for the same script.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "NOTICE:  table \"cmm_none\" does not exist, skipping\n\
         WARNING:  skipping \"cmm_v\" --- cannot analyze non-tables or special system tables\n\
         INFO:  analyzing \"public.cmm\"\n\
         INFO:  \"cmm\": scanned 0 of 0 pages, containing 0 live rows and 0 dead rows; 0 rows in sample, 0 estimated total rows\n\
         NOTICE:  table \"cmm_none\" does not exist, skipping\n"
    );
}

#[test]
fn psql_script_with_backslash_q_ends_the_session() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let mut child = cmd
        .args(["-At", "-v", "ON_ERROR_STOP=0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SET application_name = 'psqltest';\nSHOW application_name;\nSELECT nosuch();\nSELECT 'after error';\n\\q\nSELECT 'never';\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "SET\npsqltest\nafter error\n"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ERROR:  function nosuch() does not exist")
    );
}

/// Ctrl-C in psql sends a CancelRequest carrying the BackendKeyData; the
/// running pg_sleep ends with 57014.
#[tokio::test]
async fn ctrl_c_in_psql_cancels_the_running_query() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let child = cmd
        .args(["-c", "SELECT pg_sleep(30)"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let observer = server.connect().await;
    let mut active = false;
    for _ in 0..400 {
        let msgs = observer
            .simple_query("select pid from pg_stat_activity where query = 'SELECT pg_sleep(30)' and state = 'active'")
            .await
            .unwrap();
        if msgs
            .iter()
            .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_)))
        {
            active = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(active, "psql's query never started");
    let ok = Command::new("kill")
        .args(["-s", "INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ERROR:  canceling statement due to user request"),
        "{err}"
    );
}

/// psql's `\copy` both ways: the file is the client's, the data travels
/// as COPY FROM STDIN / TO STDOUT.
#[test]
fn psql_backslash_copy_loads_and_unloads_files() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let output = dir.path().join("out.csv");
    std::fs::write(
        &input,
        "id,name,score\n1,\"Smith, J\",1.5\n2,,2\n3,\"say \"\"hi\"\"\",\n",
    )
    .unwrap();
    let script = format!(
        "CREATE TABLE people (id int PRIMARY KEY, name text, score numeric);\n\
         \\copy people FROM '{}' WITH (FORMAT csv, HEADER)\n\
         SELECT id, coalesce(name, '<null>'), coalesce(score::text, '<null>') FROM people ORDER BY id;\n\
         \\copy (SELECT * FROM people ORDER BY id) TO '{}' WITH CSV HEADER\n\
         \\copy people FROM '{}' WITH (FORMAT csv, HEADER)\n",
        input.display(),
        output.display(),
        input.display()
    );
    let out = cmd
        .args([
            "-At",
            "-v",
            "ON_ERROR_STOP=0",
            "-c",
            "SET client_min_messages = warning",
        ])
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout,
        "SET\nCREATE TABLE\nCOPY 3\n1|Smith, J|1.5\n2|<null>|2\n3|say \"hi\"|<null>\nCOPY 3\n",
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "id,name,score\n1,\"Smith, J\",1.5\n2,,2\n3,\"say \"\"hi\"\"\",\n"
    );
    // Loading the same rows again breaks the key: PostgreSQL's error
    // with the line that did it, and nothing of that COPY kept.
    assert!(
        stderr.contains("ERROR:  duplicate key value violates unique constraint \"people_pkey\"")
            && stderr.contains("CONTEXT:  COPY people, line 2"),
        "{stderr}"
    );
}

/// Runs one psql command against database `db`, stdout and stderr as
/// psql prints them.
fn psql_output(server: &Server, db: &str, args: &[&str]) -> Option<String> {
    let mut cmd = psql_cmd(server)?;
    let out = cmd.args(["-d", db]).args(args).output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text)
}

/// EXPLAIN (FORMAT JSON | YAML | XML), TIMING OFF and SUMMARY OFF print
/// what PostgreSQL 15 prints for the same statements: the golden file was
/// recorded from it by tests/golden/explain_formats/record.sh.
#[test]
fn explain_formats_print_what_postgres_prints() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/explain_formats");
    let server = Server::start(&[]);
    let Some(out) = psql_output(
        &server,
        "postgres",
        &["-A", "-t", "-f", dir.join("commands.sql").to_str().unwrap()],
    ) else {
        return;
    };
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    assert_eq!(out, expected);
}

/// psql's describe commands (`\d`, `\dt+`, `\d table`, `\dn` ...) print
/// what PostgreSQL 15 prints for the same schema: the golden file was
/// recorded from it by tests/golden/psql_describe/record.sh.
#[test]
fn psql_describe_commands_print_what_postgres_prints() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/psql_describe");
    let schema = std::fs::read_to_string(dir.join("schema.sql")).unwrap();
    let commands = std::fs::read_to_string(dir.join("commands.txt")).unwrap();
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let server = Server::start(&[]);
    let Some(created) = psql_output(
        &server,
        "postgres",
        &["-q", "-c", "CREATE DATABASE describe_golden"],
    ) else {
        return;
    };
    assert_eq!(created, "");
    let loaded = psql_output(&server, "describe_golden", &["-q", "-c", &schema]).unwrap();
    assert_eq!(loaded, "");
    let mut actual = String::new();
    for cmd in commands.lines() {
        actual.push_str(&format!("### {cmd}\n"));
        actual.push_str(&psql_output(&server, "describe_golden", &["-c", cmd]).unwrap());
    }
    // Compared command by command, so a failure names the command.
    let sections = |t: &str| -> Vec<String> { t.split("### ").map(str::to_owned).collect() };
    for (a, e) in sections(&actual).iter().zip(sections(&expected)) {
        assert_eq!(a, &e);
    }
    assert_eq!(actual, expected);
}

/// A client whose environment asks for another DateStyle (libpq sends
/// PGDATESTYLE in the startup packet) connects and gets its dates in it.
#[test]
fn pgdatestyle_from_the_environment_is_honoured() {
    let server = Server::start(&[]);
    let Some(mut cmd) = psql_cmd(&server) else {
        return;
    };
    let out = cmd
        .env("PGDATESTYLE", "Postgres, DMY")
        .args([
            "-d",
            "postgres",
            "-At",
            "-c",
            "SELECT current_setting('DateStyle'), '2020-01-02 03:04:05'::timestamp",
        ])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        text.trim(),
        "Postgres, DMY|Thu 02 Jan 03:04:05 2020",
        "{text}"
    );
}

#[test]
fn binary_cursors_fetch_in_binary() {
    let server = Server::start(&[]);
    let script = "BEGIN;
DECLARE c BINARY CURSOR FOR SELECT 258::int4 AS i, 'ab'::text AS t;
FETCH c;
SELECT is_binary FROM pg_cursors WHERE name = 'c';
COMMIT;
SELECT 258::int4 AS after;";
    let Some(out) = psql_output(&server, "postgres", &["-A", "-t", "-c", script]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    // int4 258 in binary is 00 00 01 02: psql prints the bytes up to the
    // first zero (nothing); text would be "258". The text column's
    // binary form is its bytes.
    assert_eq!(lines.get(2).copied(), Some("|ab"), "{out:?}");
    assert!(lines.contains(&"t"), "{out:?}");
    // The next statement's results are text again.
    assert_eq!(lines.last().copied(), Some("258"), "{out:?}");
}
