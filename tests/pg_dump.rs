//! pg_dump and pg_restore, PostgreSQL 15's own, against actorgres: a dump
//! restores into a fresh database and dumps the same again (plain and
//! custom format), and a dump taken from PostgreSQL 15 loads without an
//! error. Skipped (with a message) where the client programs are not
//! installed; .ci/run installs them.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{client, pg_program, Server};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Runs a client program against the server; its stdout, or a panic
/// with its stderr.
fn run(server: &Server, program: &Path, args: &[&str]) -> String {
    let out = client(server, program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs psql on database `db` with `args` (a file or a command),
/// stopping at the first error.
fn psql_run(server: &Server, t: &Tools, db: &str, args: &[&str]) {
    let mut all = vec!["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db];
    all.extend_from_slice(args);
    run(server, &t.psql, &all);
}

/// CREATE DATABASE `name` through psql.
fn create_database(server: &Server, t: &Tools, name: &str) {
    let sql = format!("CREATE DATABASE {name}");
    run(server, &t.psql, &["-X", "-q", "-d", "postgres", "-c", &sql]);
}

/// A dump without its random `\restrict` key lines.
fn comparable(dump: &str) -> String {
    dump.lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Tools {
    psql: PathBuf,
    pg_dump: PathBuf,
    pg_restore: PathBuf,
}

fn tools() -> Option<Tools> {
    let found = (
        pg_program("psql"),
        pg_program("pg_dump"),
        pg_program("pg_restore"),
    );
    let (Some(psql), Some(pg_dump), Some(pg_restore)) = found else {
        eprintln!("skipping: the PostgreSQL client programs are not installed");
        return None;
    };
    Some(Tools {
        psql,
        pg_dump,
        pg_restore,
    })
}

/// A database holding the describe schema and some rows.
fn source_database(server: &Server, t: &Tools) {
    create_database(server, t, "src");
    let schema = golden("psql_describe/schema.sql");
    let data = golden("pg_dump/data.sql");
    psql_run(
        server,
        t,
        "src",
        &["-f", schema.to_str().unwrap(), "-f", data.to_str().unwrap()],
    );
}

#[test]
fn a_plain_dump_restores_and_dumps_the_same() {
    let Some(t) = tools() else {
        return;
    };
    let server = Server::start(&[]);
    source_database(&server, &t);
    let dump = run(&server, &t.pg_dump, &["src"]);
    assert!(dump.contains("CREATE TABLE public.customers ("), "{dump}");
    assert!(dump.contains("CONSTRAINT orders_amount_check CHECK (((amount > (0)::numeric) AND (amount < (1000000)::numeric)))"), "{dump}");
    assert!(
        dump.contains("3\tit's \"quoted\"\tc@example.com\t99.99"),
        "{dump}"
    );
    // The view as PostgreSQL 15's pg_dump writes it.
    assert!(
        dump.contains(
            "CREATE VIEW public.big_orders AS\n SELECT orders.order_id,\n    orders.amount\n   FROM public.orders\n  WHERE (orders.amount > (100)::numeric);"
        ),
        "{dump}"
    );
    assert_restores_and_dumps_the_same(&server, &t, &dump, "copy");
}

/// Restores a plain `dump` into a new database `name` with psql and
/// checks that it dumps the same again.
fn assert_restores_and_dumps_the_same(server: &Server, t: &Tools, dump: &str, name: &str) {
    create_database(server, t, name);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), dump).unwrap();
    psql_run(server, t, name, &["-f", file.path().to_str().unwrap()]);
    let again = run(server, &t.pg_dump, &[name]);
    assert_eq!(comparable(&again), comparable(dump));
}

#[test]
fn a_custom_format_dump_restores_with_pg_restore() {
    let Some(t) = tools() else {
        return;
    };
    let server = Server::start(&[]);
    source_database(&server, &t);
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    run(&server, &t.pg_dump, &["-Fc", "-f", path, "src"]);
    create_database(&server, &t, "restored");
    run(
        &server,
        &t.pg_restore,
        &["-d", "restored", "--exit-on-error", path],
    );
    let original = run(&server, &t.pg_dump, &["src"]);
    let restored = run(&server, &t.pg_dump, &["restored"]);
    assert_eq!(comparable(&restored), comparable(&original));
}

#[test]
fn a_dump_taken_from_postgres_loads() {
    let Some(t) = tools() else {
        return;
    };
    let server = Server::start(&[]);
    create_database(&server, &t, "from_pg");
    let dump = golden("pg_dump/from_postgres15.sql");
    psql_run(&server, &t, "from_pg", &["-f", dump.to_str().unwrap()]);
    let counts = run(
        &server,
        &t.psql,
        &[
            "-X",
            "-At",
            "-d",
            "from_pg",
            "-c",
            "SELECT (SELECT count(*) FROM customers), (SELECT sum(amount) FROM orders), (SELECT count(*) FROM big_orders)",
        ],
    );
    assert_eq!(counts, "3|170.5|1\n");
}

#[test]
fn enums_and_domains_dump_in_dependency_order_and_restore() {
    let Some(t) = tools() else {
        return;
    };
    let server = Server::start(&[]);
    create_database(&server, &t, "types_src");
    let schema = "CREATE DOMAIN zip AS varchar(10) NOT NULL DEFAULT '00000' \
                  CONSTRAINT zipchk CHECK (VALUE ~ '^\\d{5}$'); \
                  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); \
                  CREATE DOMAIN calm AS mood CHECK (VALUE <> 'sad'); \
                  CREATE TABLE people (id int PRIMARY KEY, z zip, m mood DEFAULT 'ok', c calm); \
                  INSERT INTO people VALUES (1, '12345', 'happy', 'ok'), (2, DEFAULT, DEFAULT, NULL); \
                  COMMENT ON TYPE mood IS 'feelings';";
    psql_run(&server, &t, "types_src", &["-c", schema]);
    let dump = run(&server, &t.pg_dump, &["types_src"]);
    for expected in [
        "CREATE TYPE public.mood AS ENUM (\n    'sad',\n    'ok',\n    'happy'\n);",
        "CREATE DOMAIN public.zip AS character varying(10) NOT NULL DEFAULT '00000'::character varying\n\tCONSTRAINT zipchk CHECK (((VALUE)::text ~ '^\\d{5}$'::text));",
        "    m public.mood DEFAULT 'ok'::public.mood,",
        "COMMENT ON TYPE public.mood IS 'feelings';",
        "CREATE DOMAIN public.calm AS public.mood\n\tCONSTRAINT calm_check CHECK ((VALUE <> 'sad'::public.mood));",
        "2\t00000\tok\t\\N",
    ] {
        assert!(dump.contains(expected), "{expected}\n{dump}");
    }
    // The domain over the enum comes after it (pg_depend orders them).
    let (mood, calm) = (
        dump.find("CREATE TYPE public.mood").unwrap(),
        dump.find("CREATE DOMAIN public.calm").unwrap(),
    );
    assert!(mood < calm, "{dump}");
    assert_restores_and_dumps_the_same(&server, &t, &dump, "types_copy");
}
