//! Multi-session MVCC scenarios in the manner of PostgreSQL's isolation
//! specs: sessions take steps in a fixed order; a step that must wait for
//! another session's lock is started, the session holding the lock moves
//! on, and the waiter's answer is read afterwards. Every message is
//! rendered and compared with tests/golden/isolation.txt, recorded from
//! PostgreSQL 15:
//!
//!     ../shared/tools/refpg start
//!     UPDATE_GOLDENFILES=1 cargo test --test isolation
//!
//! The transcript only depends on the order of steps, never on timing: a
//! waiter that did not wait (a lost update) changes the answers.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{check_golden, RawClient};

/// One step of a scenario.
enum Step {
    /// Session n runs the query and its answer is read at once.
    Run(usize, &'static str),
    /// Session n sends the query, which must wait for a lock.
    Start(usize, &'static str),
    /// Read the answer of session n's started query.
    Finish(usize),
}

use Step::{Finish, Run, Start};

struct Scenario {
    name: &'static str,
    setup: &'static str,
    steps: &'static [Step],
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "pg_blocking_pids: a session waiting for a row names its holder",
        setup: "CREATE TABLE bp (id int PRIMARY KEY, v int); INSERT INTO bp VALUES (1, 1)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE bp SET v = 2 WHERE id = 1"),
            Start(2, "UPDATE bp SET v = 3 WHERE id = 1"),
            // Waits (at most 10 s) until the second session is blocked.
            Run(
                1,
                "DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0); PERFORM pg_sleep(0.05); END LOOP; END $$",
            ),
            Run(
                1,
                "SELECT pg_blocking_pids(pid) = ARRAY[pg_backend_pid()] AS blocked_by_me FROM pg_stat_activity WHERE query = 'UPDATE bp SET v = 3 WHERE id = 1'",
            ),
            Run(1, "SELECT pg_blocking_pids(pg_backend_pid())"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM bp"),
        ],
    },
    Scenario {
        name: "dirty read: uncommitted changes are invisible, committed ones appear",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100), (2, 50)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE acct SET bal = 0 WHERE id = 1"),
            Run(1, "INSERT INTO acct VALUES (3, 7)"),
            Run(2, "SELECT * FROM acct"),
            Run(1, "COMMIT"),
            Run(2, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name:
            "unique key: the second inserter waits, fails after a commit, succeeds after a rollback",
        setup: "CREATE TABLE u (k int PRIMARY KEY, v text)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "INSERT INTO u VALUES (1, 'a')"),
            Start(2, "INSERT INTO u VALUES (1, 'b')"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "BEGIN"),
            Run(1, "INSERT INTO u VALUES (2, 'c')"),
            Start(2, "INSERT INTO u VALUES (2, 'd')"),
            Run(1, "ROLLBACK"),
            Finish(2),
            Run(1, "BEGIN"),
            Run(1, "DELETE FROM u WHERE k = 1"),
            Start(2, "INSERT INTO u VALUES (1, 'e')"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM u ORDER BY k"),
        ],
    },
    Scenario {
        name:
            "upsert waits for the other inserter: DO NOTHING after its commit, DO UPDATE of its row",
        setup: "CREATE TABLE u (k int PRIMARY KEY, v text)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "INSERT INTO u VALUES (1, 'a')"),
            Start(2, "INSERT INTO u VALUES (1, 'b') ON CONFLICT DO NOTHING"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "BEGIN"),
            Run(1, "INSERT INTO u VALUES (2, 'c')"),
            Start(
                2,
                "INSERT INTO u VALUES (2, 'd') ON CONFLICT (k) DO UPDATE SET v = u.v || excluded.v",
            ),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "BEGIN"),
            Run(1, "UPDATE u SET v = 'e' WHERE k = 1"),
            Start(
                2,
                "INSERT INTO u VALUES (1, 'f') ON CONFLICT (k) DO UPDATE SET v = u.v || excluded.v",
            ),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM u ORDER BY k"),
        ],
    },
    Scenario {
        name: "aborted rows are never visible",
        setup: "CREATE TABLE t (x int)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "INSERT INTO t VALUES (1)"),
            Run(1, "SAVEPOINT s"),
            Run(1, "INSERT INTO t VALUES (2)"),
            Run(1, "ROLLBACK TO s"),
            Run(1, "INSERT INTO t VALUES (3)"),
            Run(2, "SELECT * FROM t"),
            Run(1, "ROLLBACK"),
            Run(2, "SELECT * FROM t"),
        ],
    },
    Scenario {
        name: "non-repeatable read under READ COMMITTED",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "SELECT bal FROM acct"),
            Run(2, "UPDATE acct SET bal = 200"),
            Run(1, "SELECT bal FROM acct"),
            Run(1, "COMMIT"),
        ],
    },
    Scenario {
        name: "repeatable read keeps its snapshot",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(1, "SELECT bal FROM acct"),
            Run(2, "UPDATE acct SET bal = 200"),
            Run(2, "INSERT INTO acct VALUES (2, 1)"),
            Run(1, "SELECT * FROM acct"),
            Run(1, "COMMIT"),
            Run(1, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name: "readers never block writers, writers never block readers",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE acct SET bal = 1"),
            Run(2, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(2, "SELECT bal FROM acct"),
            Run(1, "COMMIT"),
            Run(1, "UPDATE acct SET bal = 2"),
            Run(2, "SELECT bal FROM acct"),
            Run(2, "COMMIT"),
        ],
    },
    Scenario {
        name: "lost update prevented: READ COMMITTED waits and re-reads the new version",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100), (2, 100)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE acct SET bal = bal + 10 WHERE id = 1"),
            Start(
                2,
                "UPDATE acct SET bal = bal + 5 WHERE id = 1 RETURNING bal",
            ),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name: "READ COMMITTED re-checks WHERE on the new version",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE acct SET bal = 0 WHERE id = 1"),
            Start(2, "DELETE FROM acct WHERE bal = 100"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(2, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name: "lost update under REPEATABLE READ is a serialization failure",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(2, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(2, "SELECT bal FROM acct"),
            Run(1, "UPDATE acct SET bal = bal + 10"),
            Start(2, "UPDATE acct SET bal = bal + 5"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(2, "SELECT 1"),
            Run(2, "ROLLBACK"),
            Run(2, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name: "REPEATABLE READ: a waiter whose row was rolled back goes on",
        setup: "CREATE TABLE acct (id int, bal int); INSERT INTO acct VALUES (1, 100)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "UPDATE acct SET bal = 1"),
            Run(2, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Start(2, "UPDATE acct SET bal = bal + 5 RETURNING bal"),
            Run(1, "ROLLBACK"),
            Finish(2),
            Run(2, "COMMIT"),
            Run(1, "SELECT * FROM acct"),
        ],
    },
    Scenario {
        name: "write skew is allowed under REPEATABLE READ (as in PostgreSQL)",
        setup: "CREATE TABLE doctors (name text, on_call bool); \
                INSERT INTO doctors VALUES ('alice', true), ('bob', true)",
        steps: &[
            Run(1, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(2, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(1, "SELECT name FROM doctors WHERE on_call"),
            Run(2, "SELECT name FROM doctors WHERE on_call"),
            Run(1, "UPDATE doctors SET on_call = false WHERE name = 'alice'"),
            Run(2, "UPDATE doctors SET on_call = false WHERE name = 'bob'"),
            Run(1, "COMMIT"),
            Run(2, "COMMIT"),
            Run(1, "SELECT name FROM doctors WHERE on_call"),
        ],
    },
    Scenario {
        name: "ROLLBACK TO releases the locks taken since the savepoint",
        setup: "CREATE TABLE t (k int); INSERT INTO t VALUES (1)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "SELECT * FROM t"),
            Run(1, "SAVEPOINT a"),
            Run(1, "ALTER TABLE t ADD COLUMN z int"),
            Run(1, "ROLLBACK TO a"),
            Run(2, "INSERT INTO t VALUES (2)"),
            Run(1, "SELECT * FROM t"),
            Run(1, "COMMIT"),
        ],
    },
    Scenario {
        name: "deadlock: one side gets 40P01, the other goes on",
        setup: "CREATE TABLE t (k int, v int); INSERT INTO t VALUES (1, 0), (2, 0)",
        steps: &[
            // As PostgreSQL's deadlock specs do: the session that checks
            // first is the victim, so make that s2 whatever the timing.
            Run(1, "SET deadlock_timeout = '10s'"),
            Run(2, "SET deadlock_timeout = '100ms'"),
            Run(1, "BEGIN"),
            Run(2, "BEGIN"),
            Run(1, "UPDATE t SET v = 1 WHERE k = 1"),
            Run(2, "UPDATE t SET v = 2 WHERE k = 2"),
            Start(1, "UPDATE t SET v = 1 WHERE k = 2"),
            Start(2, "UPDATE t SET v = 2 WHERE k = 1"),
            Finish(1),
            Finish(2),
            Run(1, "ROLLBACK"),
            Run(2, "COMMIT"),
            Run(1, "SELECT * FROM t"),
        ],
    },
    Scenario {
        name: "FOR UPDATE: a second locker waits, then sees the committed update and rechecks WHERE",
        setup: "CREATE TABLE job (id int PRIMARY KEY, state text, n int); \
                INSERT INTO job VALUES (1, 'new', 0), (2, 'new', 0), (3, 'new', 0)",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "SELECT * FROM job WHERE id = 1 FOR UPDATE"),
            Run(2, "BEGIN"),
            Start(2, "SELECT id, n, n * 10 AS tens FROM job WHERE id = 1 AND n < 10 FOR UPDATE"),
            Run(1, "UPDATE job SET n = n + 1 WHERE id = 1"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(2, "UPDATE job SET n = n + 1 WHERE id = 1"),
            Run(2, "COMMIT"),
            Run(1, "BEGIN"),
            Run(1, "UPDATE job SET state = 'done' WHERE id = 2"),
            Start(2, "SELECT id FROM job WHERE state = 'new' ORDER BY id FOR NO KEY UPDATE"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM job ORDER BY id"),
        ],
    },
    Scenario {
        name: "SKIP LOCKED takes the next free row, NOWAIT fails at once, FOR SHARE holds off a writer",
        setup: "CREATE TABLE job (id int PRIMARY KEY, state text); \
                INSERT INTO job VALUES (1, 'new'), (2, 'new'), (3, 'new')",
        steps: &[
            Run(1, "BEGIN"),
            Run(1, "SELECT id FROM job ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"),
            Run(2, "BEGIN"),
            Run(2, "SELECT id FROM job ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"),
            Run(2, "SELECT id FROM job WHERE id = 1 FOR UPDATE NOWAIT"),
            Run(2, "ROLLBACK"),
            Run(1, "COMMIT"),
            Run(1, "BEGIN"),
            Run(1, "SELECT j.id FROM job j WHERE id = 3 FOR SHARE OF j"),
            Start(2, "UPDATE job SET state = 'taken' WHERE id = 3"),
            Run(1, "COMMIT"),
            Finish(2),
            Run(1, "SELECT * FROM job ORDER BY id"),
        ],
    },
    Scenario {
        name: "FOR UPDATE in REPEATABLE READ: a row updated since the snapshot is a serialization failure",
        setup: "CREATE TABLE job (id int PRIMARY KEY, n int); INSERT INTO job VALUES (1, 0)",
        steps: &[
            Run(1, "BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Run(1, "SELECT * FROM job"),
            Run(2, "UPDATE job SET n = 5 WHERE id = 1"),
            Run(1, "SELECT * FROM job WHERE id = 1 FOR UPDATE"),
            Run(1, "ROLLBACK"),
            Run(1, "BEGIN READ ONLY"),
            Run(1, "SELECT * FROM job FOR SHARE"),
            Run(1, "ROLLBACK"),
        ],
    },
];

/// Process ids and transaction ids in a deadlock report differ between
/// servers and runs.
fn normalize(line: &str) -> String {
    if !line.contains("C=40P01") {
        return line.to_owned();
    }
    let mut out = String::new();
    let mut in_digits = false;
    for ch in line.chars() {
        if ch.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(ch);
        }
    }
    out.replace("C=NPN", "C=40P01")
}

fn run_scenarios(port: u16) -> String {
    let mut out = String::new();
    for (i, sc) in SCENARIOS.iter().enumerate() {
        let db = format!("iso{i}");
        let (mut admin, _) = RawClient::startup(port, "postgres");
        admin.query(&format!("DROP DATABASE IF EXISTS {db}"));
        admin.query(&format!("CREATE DATABASE {db}"));
        let (mut setup, _) = RawClient::startup_db(port, "postgres", &db);
        let lines = setup.query(sc.setup);
        assert!(
            !lines.iter().any(|l| l.starts_with("ErrorResponse")),
            "{lines:?}"
        );
        drop(setup);
        let mut sessions: Vec<RawClient> = (0..2)
            .map(|_| RawClient::startup_db(port, "postgres", &db).0)
            .collect();
        out.push_str(&format!("=== {}\n", sc.name));
        for step in sc.steps {
            let lines = match step {
                Run(n, sql) => {
                    out.push_str(&format!("s{n}: {sql}\n"));
                    sessions[n - 1].query(sql)
                }
                Start(n, sql) => {
                    out.push_str(&format!("s{n}: {sql} <waiting ...>\n"));
                    sessions[n - 1].send_query(sql);
                    continue;
                }
                Finish(n) => {
                    out.push_str(&format!("s{n}: <... completed>\n"));
                    sessions[n - 1].read_until_ready()
                }
            };
            for l in lines {
                out.push_str(&format!("  {}\n", normalize(&l)));
            }
        }
        out.push('\n');
        drop(sessions);
        admin.query(&format!("DROP DATABASE IF EXISTS {db}"));
    }
    out
}

#[test]
fn mvcc_scenarios_match_postgres() {
    check_golden("tests/golden/isolation.txt", run_scenarios);
}
