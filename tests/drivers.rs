//! Real drivers, unmodified, run one scenario against actorgres: connect,
//! create, insert with parameters, select with a parameter, rollback,
//! 23505 then 25P02, prepared reuse, NULLs, 10,000 rows, many types (in
//! binary where the driver reads binary), through psycopg 3,
//! node-postgres, Perl DBD::Pg, pgjdbc and psqlODBC; and SQLAlchemy's schema
//! inspection (its pg_catalog queries) over psycopg. Each driver's script in
//! tests/drivers/ prints a line per step; the lines must be PostgreSQL
//! 15's, recorded in tests/golden/drivers/<driver>.txt:
//!
//!     ../shared/tools/refpg start
//!     UPDATE_GOLDENFILES=1 cargo test --test drivers
//!
//! A driver that is not installed is skipped with a message (.ci/run
//! installs them all: psycopg, pyodbc and SQLAlchemy from PyPI, node-postgres from
//! npm, DBD::Pg, pgjdbc and psqlODBC from Debian).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_golden, have_program};

fn drivers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/drivers")
}

/// Runs `cmd` (its last argument is the port); stdout is the transcript.
fn transcript(mut cmd: Command, port: u16) -> String {
    let out = cmd.arg(port.to_string()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Whether `program -e/-c check` succeeds (a module is importable).
fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .current_dir(drivers_dir())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `program` running the scenario file `file` of tests/drivers.
fn script(program: &str, file: &str) -> Command {
    let mut c = Command::new(program);
    c.arg(drivers_dir().join(file));
    c
}

fn run_driver(name: &str, available: bool, how: &str, cmd: impl Fn() -> Command) {
    if !available {
        eprintln!("skipping {name}: not installed ({how})");
        return;
    }
    check_golden(&format!("tests/golden/drivers/{name}.txt"), |port| {
        transcript(cmd(), port)
    });
}

#[test]
fn psycopg3() {
    run_driver(
        "psycopg",
        works("python3", &["-c", "import psycopg"]),
        "pip install 'psycopg[binary]'",
        || script("python3", "scenario_psycopg.py"),
    );
}

#[test]
fn sqlalchemy_inspection() {
    run_driver(
        "sqlalchemy",
        works("python3", &["-c", "import sqlalchemy, psycopg"]),
        "pip install sqlalchemy 'psycopg[binary]'",
        || script("python3", "scenario_sqlalchemy.py"),
    );
}

#[test]
fn node_postgres() {
    run_driver(
        "node-postgres",
        have_program("node") && drivers_dir().join("node_modules/pg").exists(),
        "npm install --prefix tests/drivers",
        || script("node", "scenario_node.js"),
    );
}

#[test]
fn perl_dbd_pg() {
    run_driver(
        "dbd-pg",
        works("perl", &["-MDBD::Pg", "-e", "1"]),
        "apt-get install libdbd-pg-perl",
        || script("perl", "scenario_dbd.pl"),
    );
}

/// pgjdbc from Debian's libpostgresql-jdbc-java.
const PGJDBC: &str = "/usr/share/java/postgresql.jar";

#[test]
fn pgjdbc() {
    run_driver(
        "pgjdbc",
        Path::new(PGJDBC).exists() && have_program("java"),
        "apt-get install libpostgresql-jdbc-java default-jre-headless",
        || {
            let mut c = Command::new("java");
            c.args(["-cp", PGJDBC])
                .arg(drivers_dir().join("Scenario.java"));
            c
        },
    );
}

#[test]
fn psqlodbc() {
    let installed = works(
        "python3",
        &[
            "-c",
            "import pyodbc, sys; sys.exit(0 if 'PostgreSQL Unicode' in pyodbc.drivers() else 1)",
        ],
    );
    run_driver(
        "psqlodbc",
        installed,
        "apt-get install odbc-postgresql unixodbc; pip install pyodbc",
        || script("python3", "scenario_odbc.py"),
    );
}
