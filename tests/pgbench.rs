//! pgbench, unmodified, against actorgres: every initialisation step
//! (client-side COPY with FREEZE, server-side generation, VACUUM, primary
//! keys), then the built-in scripts in every query mode, with and
//! without a connection per transaction, and the TPC-B bookkeeping
//! checked after them. Skipped (with a message) where pgbench is not
//! installed; .ci/run installs it with postgresql-client.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{client, pg_program, Server};

fn pgbench(server: &Server, args: &[&str]) -> Option<String> {
    let Some(bin) = pg_program("pgbench") else {
        eprintln!("skipping: pgbench is not installed (apt-get install postgresql-client)");
        return None;
    };
    let out = client(server, &bin)
        .args(args)
        .arg("postgres")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pgbench {args:?} failed:\n{text}");
    Some(text)
}

/// The sums the TPC-B script keeps equal: accounts, branches, tellers,
/// history.
async fn sums(c: &tokio_postgres::Client) -> [i64; 4] {
    let r = c
        .query_one(
            "SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts)::int8, \
             (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches)::int8, \
             (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers)::int8, \
             (SELECT coalesce(sum(delta), 0) FROM pgbench_history)::int8",
            &[],
        )
        .await
        .unwrap();
    [r.get(0), r.get(1), r.get(2), r.get(3)]
}

async fn count(c: &tokio_postgres::Client, table: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgbench_initialises_and_runs_every_mode() {
    let server = Server::start(&[]);
    // Server-side generation first, then the default client-side COPY.
    let Some(out) = pgbench(&server, &["-i", "-I", "dtGvp", "-s", "1", "-q"]) else {
        return;
    };
    assert!(out.contains("server-side generate"), "{out}");
    let c = server.connect().await;
    assert_eq!(count(&c, "pgbench_accounts").await, 100_000);
    pgbench(&server, &["-i", "-s", "1", "-q"]).unwrap();
    assert_eq!(count(&c, "pgbench_accounts").await, 100_000);
    assert_eq!(count(&c, "pgbench_tellers").await, 10);
    assert_eq!(count(&c, "pgbench_branches").await, 1);
    let pk: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'pgbench_%' AND indexdef LIKE 'CREATE UNIQUE INDEX%'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(pk, 3);
    // TPC-B in every mode, and with a connection per transaction; -n
    // keeps the history so the books must balance after all of them.
    for mode in ["simple", "extended", "prepared"] {
        for connect in [false, true] {
            let mut args = vec!["-n", "-M", mode, "-c", "4", "-j", "2", "-t", "25"];
            if connect {
                args.push("-C");
            }
            let out = pgbench(&server, &args).unwrap();
            assert!(
                out.contains("number of failed transactions: 0 (0.000%)"),
                "{out}"
            );
            assert!(
                out.contains("number of transactions actually processed: 100/100"),
                "{out}"
            );
            let [a, b, t, h] = sums(&c).await;
            assert!(
                a == b && b == t && t == h,
                "books out of balance after {mode}: {a} {b} {t} {h}"
            );
        }
    }
    assert_eq!(count(&c, "pgbench_history").await, 600);
    // Select-only and the simple-update script (which leaves branches
    // and tellers alone) in every mode.
    for mode in ["simple", "extended", "prepared"] {
        for script in ["-S", "-N"] {
            let out = pgbench(
                &server,
                &["-n", "-M", mode, script, "-c", "4", "-j", "2", "-t", "50"],
            )
            .unwrap();
            assert!(
                out.contains("number of failed transactions: 0 (0.000%)"),
                "{out}"
            );
        }
    }
    let [a, b, t, h] = sums(&c).await;
    assert_eq!(
        (a, b),
        (h, t),
        "accounts {a} history {h}, branches {b} tellers {t}"
    );
    // Without -n pgbench vacuums and truncates the history first.
    let out = pgbench(&server, &["-M", "prepared", "-S", "-t", "10"]).unwrap();
    assert!(out.contains("number of failed transactions: 0"), "{out}");
    assert_eq!(count(&c, "pgbench_history").await, 0);
}
