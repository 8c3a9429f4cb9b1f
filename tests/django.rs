//! A Django project against actorgres: `migrate` of the contrib apps
//! (auth, contenttypes, sessions, admin) and of a model with a
//! ForeignKey, a JSONField, an ArrayField and a UUID primary key, then
//! the ORM creates, filters (JSON paths and containment, array
//! containment and length), joins, annotates, aggregates, updates and
//! deletes with cascades; the printed results must equal
//! `tests/django/expected.txt`, recorded from PostgreSQL 15
//! (`DJ_PORT=<port> DJ_DB=<db> python3 manage.py migrate && python3
//! orm_check.py` in tests/django). Skipped, with a message, where Python
//! or Django (and psycopg) is not installed; .ci/run installs them.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::Server;

fn django_available() -> bool {
    Command::new("python3")
        .args(["-c", "import django, psycopg"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(dir: &Path, server: &Server, script: &[&str]) -> String {
    let out = Command::new("python3")
        .args(script)
        .current_dir(dir)
        .env("DJ_PORT", server.port.to_string())
        .env("DJ_DB", "postgres")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 {script:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn django_migrates_and_its_orm_answers_as_on_postgres() {
    if !django_available() {
        eprintln!("skipped: python3 with django and psycopg is not installed");
        return;
    }
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/django");
    let server = Server::start(&[]);
    let migrated = run(&project, &server, &["manage.py", "migrate", "--no-color"]);
    for app in [
        "contenttypes.0001_initial",
        "auth.0012",
        "admin.0003",
        "sessions.0001",
        "shop.0001",
    ] {
        assert!(migrated.contains(app), "{app} not applied:\n{migrated}");
    }
    let got = run(&project, &server, &["orm_check.py"]);
    let expected = std::fs::read_to_string(project.join("expected.txt")).unwrap();
    assert_eq!(
        got, expected,
        "the ORM's answers differ from PostgreSQL 15's"
    );
}
