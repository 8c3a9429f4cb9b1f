//! The command line: initdb, settings from flags, environment and
//! postgresql.conf, and clear failures for bad settings.

// Polling sleeps run on the test thread, never on an arbiter.
#![allow(clippy::disallowed_methods)]
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{free_port, RawClient};

fn actorgres() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_actorgres"));
    c.env_remove("PGDATA")
        .env_remove("PGPORT")
        .stdin(Stdio::null());
    c
}

#[test]
fn initdb_creates_and_refuses_a_non_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let out = actorgres()
        .args(["initdb", "-D"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("PG_VERSION")).unwrap(),
        "15\n"
    );
    assert!(dir.join("postgresql.conf").exists());
    let out = actorgres()
        .args(["initdb", "-D"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists but is not empty"));
}

fn fails_with(args: &[&str], conf: Option<&str>, want: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    if let Some(conf) = conf {
        assert!(actorgres()
            .args(["initdb", "-D"])
            .arg(&dir)
            .status()
            .unwrap()
            .success());
        std::fs::write(dir.join("postgresql.conf"), conf).unwrap();
    }
    let out = actorgres()
        .args(["start", "-D"])
        .arg(&dir)
        .args([
            "-p",
            &free_port().to_string(),
            "-h",
            "127.0.0.1",
            "-c",
            "introspection_listen=",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "started despite {args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(want), "stderr lacks {want:?}:\n{err}");
}

#[test]
fn bad_settings_exit_non_zero_with_a_clear_error() {
    fails_with(
        &["-c", "nosuch=1"],
        None,
        "unrecognized configuration parameter \"nosuch\"",
    );
    fails_with(
        &["-c", "work_mem=abc"],
        None,
        "invalid value for parameter \"work_mem\": \"abc\"",
    );
    fails_with(
        &["-c", "max_connections=0"],
        None,
        "outside the valid range for parameter \"max_connections\"",
    );
    fails_with(
        &["-c", "server_version=1"],
        None,
        "parameter \"server_version\" cannot be changed",
    );
    fails_with(&["-c", "novalue"], None, "expected NAME=VALUE");
    fails_with(
        &[],
        Some("port = = 5\n"),
        "postgresql.conf: syntax error in configuration file, line 1",
    );
    fails_with(
        &[],
        Some("# ok\nbogus_setting = 1\n"),
        "line 2: unrecognized configuration parameter \"bogus_setting\"",
    );
}

#[test]
fn a_directory_that_is_not_a_data_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("somefile"), "x").unwrap();
    let out = actorgres()
        .args(["start", "-D"])
        .arg(tmp.path())
        .args([
            "-p",
            &free_port().to_string(),
            "-c",
            "introspection_listen=",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid data directory"));
}

/// A server process killed when dropped, even when a test fails.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cmd`, waits until `port` accepts a session.
fn serve(mut cmd: Command, port: u16) -> Running {
    let mut child = Running(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..400 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        if let Ok(Some(s)) = child.0.try_wait() {
            panic!("exited: {s}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("never listened on {port}");
}

#[test]
fn postgresql_conf_pgport_and_pgdata_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    assert!(actorgres()
        .args(["initdb", "-D"])
        .arg(&dir)
        .status()
        .unwrap()
        .success());
    let conf_port = free_port();
    std::fs::write(
        dir.join("postgresql.conf"),
        format!("port = {conf_port}   # from the file\nlisten_addresses = '127.0.0.1'\nintrospection_listen = ''\nwork_mem = '3MB'\n"),
    )
    .unwrap();
    // PGDATA names the directory; the file's port wins over PGPORT.
    let mut cmd = actorgres();
    cmd.env("PGDATA", &dir)
        .env("PGPORT", free_port().to_string());
    let child = serve(cmd, conf_port);
    let (mut c, _) = RawClient::startup(conf_port, "u");
    assert_eq!(c.query("SHOW work_mem")[1], "DataRow ['3MB']");
    assert_eq!(c.query("SHOW port")[1], format!("DataRow ['{conf_port}']"));
    drop(child);

    // -p overrides the file; PGPORT is used when nothing else sets port.
    std::fs::write(
        dir.join("postgresql.conf"),
        "listen_addresses = '127.0.0.1'\nintrospection_listen = ''\n",
    )
    .unwrap();
    let env_port = free_port();
    let mut cmd = actorgres();
    cmd.args(["-D"])
        .arg(&dir)
        .env("PGPORT", env_port.to_string());
    drop(serve(cmd, env_port));
}

#[test]
fn two_servers_cannot_share_a_data_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let port = free_port();
    let mut cmd = actorgres();
    cmd.args(["start", "-D"]).arg(&dir).args([
        "-p",
        &port.to_string(),
        "-h",
        "127.0.0.1",
        "-c",
        "introspection_listen=",
    ]);
    let first = serve(cmd, port);
    let out = actorgres()
        .args(["start", "-D"])
        .arg(&dir)
        .args([
            "-p",
            &free_port().to_string(),
            "-h",
            "127.0.0.1",
            "-c",
            "introspection_listen=",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("postmaster.pid\" already exists"));
    drop(first);
}

#[test]
fn a_port_in_use_is_a_clear_startup_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let tmp = tempfile::tempdir().unwrap();
    let out = actorgres()
        .args(["start", "-D"])
        .arg(tmp.path().join("d"))
        .args([
            "-p",
            &port.to_string(),
            "-h",
            "127.0.0.1",
            "-c",
            "introspection_listen=",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not bind PostgreSQL address 127.0.0.1:"),
        "{err}"
    );
}
