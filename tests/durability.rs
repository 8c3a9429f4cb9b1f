//! Durability through the real binary and real clients: restart after a
//! fast shutdown, kill -9 in the middle of TPC-B-like transfers, a table
//! far larger than shared_buffers, databases.

// Test code: a failed unwrap is a failed test; sleeps pace the clients.
#![allow(clippy::unwrap_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{connect_to, query_error, Server};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// Bounds waits so a broken shutdown fails the test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(60);

async fn rows(c: &Client, sql: &str) -> Vec<Vec<Option<String>>> {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect()
}

async fn exec(c: &Client, sql: &str) {
    c.batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

fn int(v: &Option<String>) -> i64 {
    v.as_deref().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_shutdown_then_restart_keeps_every_row() {
    let mut server = Server::start(&[]);
    let c = server.connect().await;
    exec(&c, "CREATE TABLE kept (id int NOT NULL, name text, price numeric(8,2), at timestamptz, ok bool)").await;
    let values: Vec<String> = (1..=500)
        .map(|i| format!("({i}, 'item {i}', {i}.25, '2024-01-01 00:00:00+00'::timestamptz + interval '{i} minutes', {})", i % 2 == 0))
        .collect();
    exec(
        &c,
        &format!("INSERT INTO kept VALUES {}", values.join(", ")),
    )
    .await;
    exec(
        &c,
        "UPDATE kept SET name = 'updated' WHERE id % 10 = 0; DELETE FROM kept WHERE id % 7 = 0",
    )
    .await;
    exec(&c, "BEGIN; INSERT INTO kept (id) VALUES (-1); ROLLBACK").await;
    exec(&c, "CREATE DATABASE second").await;
    let before = rows(&c, "SELECT * FROM kept").await;
    assert_eq!(before.len(), 500 - 71);
    drop(c);
    server.signal("INT");
    let status = server.wait_exit(LIMIT).expect("fast shutdown finishes");
    assert!(status.success(), "{status}: {}", server.log_text());
    assert!(server.log_text().contains("database system is shut down"));

    let server = server.restart(&[]);
    // The shutdown checkpoint means nothing to replay.
    assert!(
        server
            .log_text()
            .contains("database system was shut down cleanly"),
        "{}",
        server.log_text()
    );
    let c = server.connect().await;
    assert_eq!(rows(&c, "SELECT * FROM kept").await, before);
    assert!(rows(&c, "SELECT id FROM kept WHERE id = -1")
        .await
        .is_empty());
    let conninfo = server
        .conninfo("postgres")
        .replace("dbname=postgres", "dbname=second");
    let other = connect_to(&conninfo).await;
    assert_eq!(
        rows(&other, "SELECT 1").await,
        vec![vec![Some("1".to_owned())]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn databases_are_created_dropped_and_checked_at_connect() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let conninfo = server
        .conninfo("postgres")
        .replace("dbname=postgres", "dbname=shop");
    let e = tokio_postgres::connect(&conninfo, NoTls)
        .await
        .err()
        .expect("no such database");
    let db = e.as_db_error().expect("a server error");
    assert_eq!(
        (db.code().code(), db.message()),
        ("3D000", "database \"shop\" does not exist")
    );
    exec(&c, "CREATE DATABASE shop").await;
    assert_eq!(
        query_error(&c, "CREATE DATABASE shop").await,
        (
            "42P04".to_owned(),
            "database \"shop\" already exists".to_owned()
        )
    );
    let shop = connect_to(&conninfo).await;
    exec(&shop, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)").await;
    // Tables belong to their database.
    assert_eq!(query_error(&c, "SELECT * FROM t").await.0, "42P01");
    assert_eq!(
        query_error(&c, "DROP DATABASE shop").await,
        (
            "55006".to_owned(),
            "database \"shop\" is being accessed by other users".to_owned()
        )
    );
    drop(shop);
    let mut dropped = false;
    for _ in 0..200 {
        if c.batch_execute("DROP DATABASE shop").await.is_ok() {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(dropped, "DROP DATABASE succeeds once the session is gone");
    assert!(tokio_postgres::connect(&conninfo, NoTls).await.is_err());
}

/// pgbench's TPC-B transaction: move `delta` through one account, teller
/// and branch, and record it in history, in one transaction.
fn transfer(client: i64, seq: i64, aid: i64, tid: i64, bid: i64, delta: i64) -> String {
    format!(
        "BEGIN; \
         UPDATE accounts SET abalance = abalance + {delta} WHERE aid = {aid}; \
         UPDATE tellers SET tbalance = tbalance + {delta} WHERE tid = {tid}; \
         UPDATE branches SET bbalance = bbalance + {delta} WHERE bid = {bid}; \
         INSERT INTO history VALUES ({client}, {seq}, {aid}, {tid}, {bid}, {delta}); \
         COMMIT"
    )
}

/// A small deterministic generator (xorshift), seeded per run and printed
/// so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const ACCOUNTS: i64 = 20;
const TELLERS: i64 = 5;
const BRANCHES: i64 = 2;
const CLIENTS: i64 = 4;
const KILLS: usize = 10;

/// Every commit the server acknowledged: (client, seq) → delta.
type Acked = Arc<Mutex<HashMap<(i64, i64), i64>>>;

/// After a restart: every acknowledged transfer is there, nothing is half
/// there, and the balances agree with history.
async fn verify(server: &Server, acked: &Acked) {
    let c = server.connect().await;
    let history = rows(&c, "SELECT client, seq, delta FROM history").await;
    let mut seen = HashMap::new();
    for r in &history {
        let key = (int(&r[0]), int(&r[1]));
        assert!(
            seen.insert(key, int(&r[2])).is_none(),
            "transfer {key:?} recorded twice"
        );
    }
    for (key, delta) in acked.lock().unwrap().iter() {
        assert_eq!(
            seen.get(key),
            Some(delta),
            "acknowledged transfer {key:?} lost\n{}",
            server.log_text()
        );
    }
    let total: i64 = seen.values().sum();
    for (sql, what) in [
        ("SELECT abalance FROM accounts", "accounts"),
        ("SELECT tbalance FROM tellers", "tellers"),
        ("SELECT bbalance FROM branches", "branches"),
    ] {
        let sum: i64 = rows(&c, sql).await.iter().map(|r| int(&r[0])).sum();
        assert_eq!(sum, total, "sum of {what} balances differs from history");
    }
    // Each index finds exactly the rows a sequential scan finds.
    for sql in [
        "SELECT aid, abalance FROM accounts WHERE aid >= 0 ORDER BY aid",
        "SELECT tid, tbalance FROM tellers WHERE tid >= 0 ORDER BY tid",
        "SELECT bid, bbalance FROM branches WHERE bid >= 0 ORDER BY bid",
        "SELECT client, seq, delta FROM history WHERE client >= 0 ORDER BY client, seq",
    ] {
        let through_index = rows(&c, sql).await;
        exec(&c, "SET enable_indexscan = off").await;
        let scanned = rows(&c, sql).await;
        exec(&c, "RESET enable_indexscan").await;
        assert_eq!(through_index, scanned, "index and table disagree: {sql}");
    }
}

/// A task running CHECKPOINT every `ms` milliseconds until the server
/// goes away.
fn checkpoints(server: &Server, ms: u64) -> tokio::task::JoinHandle<()> {
    let conninfo = server.conninfo("postgres");
    tokio::spawn(async move {
        let Ok((c, conn)) = tokio_postgres::connect(&conninfo, NoTls).await else {
            return;
        };
        tokio::spawn(conn);
        while c.batch_execute("CHECKPOINT").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_commits_survive_kill_9() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut server = Server::start(&[]);
    {
        let c = server.connect().await;
        // Keys as pgbench makes them: the transfers find their rows
        // through the indexes, and the indexes must survive the kills.
        exec(&c, "CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL, filler char(84)); \
                  CREATE TABLE tellers (tid int PRIMARY KEY, tbalance int NOT NULL, filler char(84)); \
                  CREATE TABLE branches (bid int PRIMARY KEY, bbalance int NOT NULL, filler char(88)); \
                  CREATE TABLE history (client int, seq int, aid int, tid int, bid int, delta int); \
                  CREATE UNIQUE INDEX history_key ON history (client, seq)").await;
        for (table, n) in [
            ("accounts", ACCOUNTS),
            ("tellers", TELLERS),
            ("branches", BRANCHES),
        ] {
            let v: Vec<String> = (1..=n).map(|i| format!("({i}, 0)")).collect();
            exec(&c, &format!("INSERT INTO {table} VALUES {}", v.join(", "))).await;
        }
    }
    let acked: Acked = Arc::default();
    let seqs: Arc<Vec<AtomicI64>> = Arc::new((0..CLIENTS).map(|_| AtomicI64::new(0)).collect());
    for round in 0..KILLS {
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            let conninfo = server.conninfo("postgres");
            let (acked, seqs) = (Arc::clone(&acked), Arc::clone(&seqs));
            let mut rng = Rng(seed
                .wrapping_mul(31)
                .wrapping_add((round as u64) << 8 | client as u64)
                | 1);
            tasks.push(tokio::spawn(async move {
                let Ok((c, conn)) = tokio_postgres::connect(&conninfo, NoTls).await else {
                    return;
                };
                tokio::spawn(conn);
                loop {
                    let seq = seqs[client as usize].fetch_add(1, Ordering::SeqCst);
                    let delta = rng.below(10_001) as i64 - 5_000;
                    let sql = transfer(
                        client,
                        seq,
                        1 + rng.below(ACCOUNTS as u64) as i64,
                        1 + rng.below(TELLERS as u64) as i64,
                        1 + rng.below(BRANCHES as u64) as i64,
                        delta,
                    );
                    match c.batch_execute(&sql).await {
                        Ok(()) => {
                            acked.lock().unwrap().insert((client, seq), delta);
                        }
                        // Server killed; a deadlock or serialization error
                        // just means this transfer did not happen.
                        Err(e) if e.as_db_error().is_some() => continue,
                        Err(_) => return,
                    }
                }
            }));
        }
        // Checkpoints now and then, so crashes land before, during and
        // after them (full-page images, redo from a later point).
        tasks.push(checkpoints(&server, 150));
        tokio::time::sleep(Duration::from_millis(200 + rng.below(600))).await;
        server.signal("KILL");
        server.wait_exit(LIMIT).expect("killed");
        for t in tasks {
            t.await.unwrap();
        }
        server = server.restart(&[]);
        assert!(
            server.log_text().contains("not properly shut down"),
            "recovery ran: {}",
            server.log_text()
        );
        verify(&server, &acked).await;
    }
    let n = acked.lock().unwrap().len();
    eprintln!("{n} acknowledged transfers checked across {KILLS} kills");
    assert!(n >= KILLS, "the clients made progress");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_a_hundred_times_larger_than_shared_buffers() {
    let server = Server::start(&["shared_buffers=1MB"]);
    let c = server.connect().await;
    exec(&c, "CREATE TABLE big (id int NOT NULL, pad text)").await;
    // ~1 kB rows: 7 per page, 100,000 rows ≈ 14,300 pages ≈ 112 MB.
    const ROWS: i64 = 100_000;
    const BATCH: i64 = 1_000;
    for start in (0..ROWS).step_by(BATCH as usize) {
        let v: Vec<String> = (start..start + BATCH)
            .map(|i| format!("({i}, repeat('{}', 1000))", (b'A' + (i % 26) as u8) as char))
            .collect();
        exec(&c, &format!("INSERT INTO big VALUES {}", v.join(", "))).await;
    }
    let tree: serde_json::Value = serde_json::from_str(&server.http_get("/tree").1).unwrap();
    let pool = tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "SharedBuffers")
        .expect("SharedBuffers in the tree")
        .clone();
    assert_eq!(pool["buffers"], 128, "{pool}");
    assert!(pool["evictions"].as_u64().unwrap() > 10_000, "{pool}");
    // A full scan through the small pool sees every row intact.
    let hits = rows(
        &c,
        "SELECT id, length(pad), substr(pad, 1, 1) FROM big WHERE id % 5000 = 7",
    )
    .await;
    assert_eq!(hits.len(), (ROWS / 5000) as usize);
    for r in &hits {
        let id = int(&r[0]);
        assert_eq!(int(&r[1]), 1000);
        assert_eq!(
            r[2].as_deref().unwrap().as_bytes()[0],
            b'A' + (id % 26) as u8
        );
    }
    // Updates through the pool, then a restart, keep the data.
    exec(&c, "UPDATE big SET pad = 'short' WHERE id % 1000 = 0").await;
    let server = server.restart(&["shared_buffers=1MB"]);
    let c = server.connect().await;
    let short = rows(&c, "SELECT id FROM big WHERE pad = 'short'").await;
    assert_eq!(short.len(), (ROWS / 1000) as usize);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_missing_file_fails_that_table_only() {
    let mut server = Server::start(&[]);
    let c = server.connect().await;
    exec(&c, "CREATE TABLE hurt (x int); CREATE TABLE gone (x int); CREATE TABLE fine (x int); \
              INSERT INTO hurt VALUES (1); INSERT INTO gone VALUES (2); INSERT INTO fine VALUES (3)").await;
    let node = |name: &str| format!("SELECT relfilenode FROM pg_class WHERE relname = '{name}'");
    let hurt = rows(&c, &node("hurt")).await[0][0].clone().unwrap();
    let gone = rows(&c, &node("gone")).await[0][0].clone().unwrap();
    drop(c);
    server.signal("INT");
    assert!(server.wait_exit(LIMIT).expect("fast shutdown").success());
    let base = server.data.path().join("pgdata/base/5");
    // Flip bytes in the middle of the first page: its checksum no longer matches.
    let mut bytes = std::fs::read(base.join(&hurt)).unwrap();
    bytes[4000] ^= 0xff;
    bytes[4001] ^= 0xff;
    std::fs::write(base.join(&hurt), bytes).unwrap();
    std::fs::remove_file(base.join(&gone)).unwrap();

    let server = server.restart(&[]);
    let c = server.connect().await;
    assert_eq!(
        query_error(&c, "SELECT * FROM hurt").await,
        (
            "XX001".to_owned(),
            format!("invalid page in block 0 of relation base/5/{hurt}")
        )
    );
    assert_eq!(
        query_error(&c, "SELECT * FROM gone").await,
        (
            "58P01".to_owned(),
            format!("could not open file \"base/5/{gone}\": No such file or directory")
        )
    );
    // Everything else goes on, in this session and others.
    assert_eq!(
        rows(&c, "SELECT x FROM fine").await,
        vec![vec![Some("3".to_owned())]]
    );
    let other = server.connect().await;
    exec(&other, "INSERT INTO fine VALUES (4)").await;
    assert_eq!(rows(&other, "SELECT x FROM fine").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_failure_restarts_the_server_in_place_with_recovery() {
    let mut server = Server::start(&[]);
    let pid = server.child.id();
    let c = server.connect().await;
    exec(
        &c,
        "CREATE TABLE kept (x int); INSERT INTO kept VALUES (1), (2), (3)",
    )
    .await;
    // The WAL's next segments (the WAL writer preallocates a few past the
    // one being written) become dangling symlinks: writing into them fails
    // as a broken disk would, and recovery removes them later. The one
    // being written is the last segment that holds data (preallocated ones
    // are zeros; on a new server the catalogs may already fill more than
    // the first).
    let wal = server.data.path().join("pgdata/pg_wal");
    let holds_data = |name: &String| {
        let mut head = [0u8; 64];
        std::fs::File::open(wal.join(name))
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| head.iter().any(|b| *b != 0))
    };
    let current = std::fs::read_dir(&wal)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.len() == 24)
        .filter(holds_data)
        .max()
        .unwrap();
    let seg = u64::from_str_radix(&current[16..], 16).unwrap();
    for next in seg + 1..=seg + 4 {
        let path = wal.join(format!("{}{:08X}", &current[..16], next));
        // The WAL writer may create the file between the two steps.
        let broken = (0..100).any(|_| {
            let _ = std::fs::remove_file(&path);
            std::os::unix::fs::symlink("/nonexistent/actorgres-test/wal", &path).is_ok()
        });
        assert!(broken, "{path:?} became a dangling symlink");
    }
    // ~20 MB of WAL in one transaction crosses into that segment.
    exec(&c, "CREATE TABLE big (pad text)").await;
    let values: Vec<String> = (0..100).map(|_| "(repeat('w', 2000))".to_owned()).collect();
    let insert = format!("INSERT INTO big VALUES {}", values.join(", "));
    c.batch_execute("BEGIN").await.unwrap();
    let mut failed = false;
    for _ in 0..120 {
        if c.batch_execute(&insert).await.is_err() {
            failed = true;
            break;
        }
    }
    // WAL still in buffers when the inserts end (the WAL writer may be
    // slow on a busy machine) is written by COMMIT, which must fail then.
    if !failed {
        failed = c.batch_execute("COMMIT").await.is_err();
    }
    assert!(
        failed,
        "writing into the broken segment failed: {current} {:?}",
        std::fs::read_dir(&wal)
            .unwrap()
            .filter_map(|e| {
                let e = e.ok()?;
                Some((
                    e.file_name(),
                    e.file_type().ok()?.is_symlink(),
                    e.metadata().ok().map(|m| m.len()),
                ))
            })
            .collect::<Vec<_>>()
    );
    drop(c);
    // The same process restarts itself, recovers and serves again.
    let mut back = false;
    for _ in 0..400 {
        if server
            .log_text()
            .matches("ready to accept connections")
            .count()
            >= 2
        {
            back = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = server.log_text();
    assert!(back, "the server came back: {log}");
    assert!(log.contains("reinitializing"), "{log}");
    assert!(log.contains("not properly shut down"), "{log}");
    assert_eq!(
        server.child.try_wait().unwrap(),
        None,
        "still the same process"
    );
    assert_eq!(server.child.id(), pid);
    let c = server.connect().await;
    assert_eq!(
        rows(&c, "SELECT x FROM kept").await.len(),
        3,
        "acknowledged rows are there"
    );
    assert!(
        rows(&c, "SELECT pad FROM big").await.is_empty(),
        "the failed transaction is not"
    );
    exec(&c, "INSERT INTO kept VALUES (4)").await;
}

/// nextval from several sessions, with checkpoints, killed with -9 a few
/// times: no value any session was given is given again after recovery
/// (rule 2 of sql/src/sequence.rs: the state logged ahead is flushed
/// before its values are handed out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nextval_never_repeats_a_value_across_kill_9() {
    let mut server = Server::start(&[]);
    {
        let c = server.connect().await;
        exec(
            &c,
            "CREATE SEQUENCE s; CREATE TABLE t(id serial PRIMARY KEY, v int)",
        )
        .await;
    }
    let given: Arc<Mutex<Vec<i64>>> = Arc::default();
    for _round in 0..3 {
        let mut tasks = Vec::new();
        for client in 0..4 {
            let conninfo = server.conninfo("postgres");
            let given = Arc::clone(&given);
            tasks.push(tokio::spawn(async move {
                let Ok((c, conn)) = tokio_postgres::connect(&conninfo, NoTls).await else {
                    return;
                };
                tokio::spawn(conn);
                loop {
                    // Autocommit nextval, a rolled-back one, and a serial
                    // insert: every value returned counts.
                    let sql = match client % 3 {
                        0 => "SELECT nextval('s')",
                        1 => "BEGIN; SELECT nextval('s'); ROLLBACK",
                        _ => "INSERT INTO t(v) VALUES (1) RETURNING id",
                    };
                    match c.simple_query(sql).await {
                        Ok(msgs) => {
                            for m in msgs {
                                if let SimpleQueryMessage::Row(r) = m {
                                    let v: i64 = r.get(0).unwrap().parse().unwrap();
                                    let serial = i64::from(client % 3 == 2) << 40;
                                    given.lock().unwrap().push(v + serial);
                                }
                            }
                        }
                        Err(_) => return,
                    }
                }
            }));
        }
        tasks.push(checkpoints(&server, 100));
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.signal("KILL");
        server.wait_exit(LIMIT).expect("killed");
        for t in tasks {
            t.await.unwrap();
        }
        server = server.restart(&[]);
    }
    let c = server.connect().await;
    let after = int(&rows(&c, "SELECT nextval('s')").await[0][0]);
    let id = int(&rows(&c, "INSERT INTO t(v) VALUES (1) RETURNING id").await[0][0]);
    let mut all = given.lock().unwrap().clone();
    all.push(after);
    all.push(id + (1 << 40));
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "a sequence value was handed out twice");
    assert!(n > 100, "the clients made progress: {n} values");
}

/// The files of temporary relations (`t<backend>_<relfilenode>`) in the
/// server's data directory.
fn temp_files(server: &Server) -> Vec<String> {
    let mut found = Vec::new();
    for db in std::fs::read_dir(server.data.path().join("pgdata/base")).unwrap() {
        let Ok(files) = std::fs::read_dir(db.unwrap().path()) else {
            continue;
        };
        for f in files {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with('t') && name.contains('_') {
                found.push(name);
            }
        }
    }
    found
}

/// The temporary tables of sessions that died with the server (kill -9)
/// are not inherited: start-up removes their files (nothing of them was
/// WAL-logged), the first session to create a temporary table
/// afterwards (with a reused pid, its schema's name) gets an empty schema
/// of its own, and the leftovers are dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_tables_do_not_outlive_a_killed_server() {
    let mut server = Server::start(&[]);
    let before = server.connect().await;
    exec(
        &before,
        "CREATE TEMP TABLE left_behind (a int); INSERT INTO left_behind VALUES (1)",
    )
    .await;
    assert_eq!(temp_files(&server).len(), 1, "the table's file");
    server.signal("KILL");
    server.wait_exit(LIMIT).expect("killed");
    let server = server.restart(&[]);
    assert_eq!(
        temp_files(&server),
        Vec::<String>::new(),
        "start-up removed it"
    );
    let c = server.connect().await;
    exec(&c, "CREATE TEMP TABLE mine (a int)").await;
    let left = rows(
        &c,
        "SELECT count(*) FROM pg_class WHERE relname = 'left_behind'",
    )
    .await;
    assert_eq!(
        left[0][0].as_deref(),
        Some("0"),
        "the dead session's table is gone"
    );
    let schemas = rows(
        &c,
        "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pg_temp%' AND oid <> pg_my_temp_schema()",
    )
    .await;
    assert_eq!(
        schemas[0][0].as_deref(),
        Some("0"),
        "no orphaned temporary schema"
    );
    let err = c
        .simple_query("SELECT * FROM left_behind")
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|s| s.code()), Some("42P01"));
}

/// Rows larger than a page (stored out of line in chunks) are written,
/// read, updated and deleted through every path, survive kill -9 with
/// their exact bytes, and VACUUM reclaims a deleted row's chunks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_larger_than_a_page_survive_kill_9() {
    let mut server = Server::start(&[]);
    let c = server.connect().await;
    exec(
        &c,
        "CREATE TABLE docs (id int PRIMARY KEY, body text, raw bytea)",
    )
    .await;
    // 160 kB of incompressible text, and its bytes: about 80 chunks each.
    for sql in [
        "INSERT INTO docs SELECT 1, string_agg(md5(i::text), ''), decode(string_agg(md5(i::text), ''), 'hex') FROM generate_series(1, 5000) i",
        "INSERT INTO docs VALUES (2, repeat('x', 100000), NULL), (3, 'small', '\\x01')",
        "BEGIN",
        "INSERT INTO docs VALUES (4, repeat('gone', 10000), NULL)",
        "ROLLBACK",
        "UPDATE docs SET body = body || 'y' WHERE id = 2",
        "DELETE FROM docs WHERE id = 3",
    ] {
        exec(&c, sql).await;
    }
    let want = rows(
        &c,
        "SELECT id, length(body), md5(body), md5(raw) FROM docs ORDER BY id",
    )
    .await;
    assert_eq!(want.len(), 2);
    assert_eq!(want[0][1].as_deref(), Some("160000"));
    assert_eq!(want[1][1].as_deref(), Some("100001"));
    server.signal("KILL");
    server.wait_exit(LIMIT).expect("killed");
    let server = server.restart(&[]);
    let c = server.connect().await;
    let after = rows(
        &c,
        "SELECT id, length(body), md5(body), md5(raw) FROM docs ORDER BY id",
    )
    .await;
    assert_eq!(after, want, "the same bytes after recovery");
    // Through the index (heap fetch) too.
    let by_key = rows(&c, "SELECT md5(body) FROM docs WHERE id = 1").await;
    assert_eq!(by_key[0][0], want[0][2]);
    // A deleted row's chunks are reclaimed: writing it again reuses the
    // space instead of growing the table.
    exec(&c, "DELETE FROM docs WHERE id = 1").await;
    exec(&c, "VACUUM docs").await;
    let before = int(&rows(&c, "SELECT pg_relation_size('docs')").await[0][0]);
    exec(
        &c,
        "INSERT INTO docs SELECT 1, string_agg(md5(i::text), ''), NULL::bytea FROM generate_series(1, 5000) i",
    )
    .await;
    exec(&c, "VACUUM docs").await;
    let grown = int(&rows(&c, "SELECT pg_relation_size('docs')").await[0][0]);
    assert!(
        grown <= before + 16 * 8192,
        "reused the space: {before} -> {grown}"
    );
}

/// The first column of the first row of `sql`.
async fn first(c: &Client, sql: &str) -> String {
    rows(c, sql).await[0][0].clone().unwrap_or_default()
}

/// An unlogged table writes no WAL, keeps its rows across a clean
/// shutdown, and comes back empty (its index too, and usable) after
/// kill -9, while a permanent table beside it keeps its rows, and so does
/// one made logged by ALTER TABLE SET LOGGED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlogged_tables_survive_clean_restarts_and_empty_after_a_crash() {
    let mut server = Server::start(&[]);
    let c = server.connect().await;
    exec(
        &c,
        "CREATE UNLOGGED TABLE u (a int PRIMARY KEY, b text);
         CREATE TABLE p (a int);
         INSERT INTO u SELECT g, 'x' FROM generate_series(1, 1000) g;
         INSERT INTO p VALUES (1), (2)",
    )
    .await;
    drop(c);
    server.signal("INT");
    server.wait_exit(LIMIT).expect("clean shutdown");
    let mut server = server.restart(&[]);
    let c = server.connect().await;
    assert_eq!(
        first(&c, "SELECT count(*) FROM u").await,
        "1000",
        "kept by a clean restart"
    );
    exec(&c, "INSERT INTO u VALUES (1001, 'y')").await;
    // SET LOGGED writes the rows again into a logged file: they survive.
    exec(
        &c,
        "CREATE UNLOGGED TABLE u2 (a int PRIMARY KEY);
         INSERT INTO u2 SELECT generate_series(1, 50);
         ALTER TABLE u2 SET LOGGED",
    )
    .await;
    server.signal("KILL");
    server.wait_exit(LIMIT).expect("killed");
    let server = server.restart(&[]);
    let c = server.connect().await;
    assert_eq!(
        first(&c, "SELECT count(*) FROM u").await,
        "0",
        "emptied by the crash"
    );
    assert_eq!(
        first(&c, "SELECT count(*) FROM p").await,
        "2",
        "the permanent table kept its rows"
    );
    assert_eq!(
        first(&c, "SELECT count(*) FROM u2 WHERE a > 0").await,
        "50",
        "logged by SET LOGGED"
    );
    assert_eq!(
        first(
            &c,
            "SELECT string_agg(relpersistence::text, '' ORDER BY relname) FROM pg_class WHERE relname IN ('u2', 'u2_pkey')"
        )
        .await,
        "pp"
    );
    exec(&c, "INSERT INTO u VALUES (7, 'z')").await;
    assert_eq!(first(&c, "SELECT b FROM u WHERE a = 7").await, "z");
    let err = c
        .simple_query("INSERT INTO u VALUES (7, 'again')")
        .await
        .unwrap_err();
    assert_eq!(
        err.code().map(|s| s.code()),
        Some("23505"),
        "the index is intact"
    );
    assert_eq!(
        first(
            &c,
            "SELECT relpersistence FROM pg_class WHERE relname = 'u_pkey'"
        )
        .await,
        "u"
    );
}

/// A data directory made by a build older than a catalog (pg_statistic
/// here: its files removed after a clean shutdown) opens with its rows
/// intact and gets the catalog, so ANALYZE works on it.
#[tokio::test]
async fn a_data_directory_older_than_a_catalog_opens_and_gets_it() {
    let mut server = Server::start(&[]);
    {
        let c = server.connect().await;
        exec(
            &c,
            "CREATE TABLE old_rows (a int); INSERT INTO old_rows VALUES (1), (1), (2)",
        )
        .await;
    }
    // Fast shutdown: a clean stop with a shutdown checkpoint.
    server.signal("INT");
    assert!(server.wait_exit(Duration::from_secs(30)).is_some());
    let data = std::mem::replace(&mut server.data, tempfile::tempdir().unwrap());
    drop(server);
    let mut removed = 0;
    for db in std::fs::read_dir(data.path().join("pgdata/base")).unwrap() {
        let file = db.unwrap().path().join("2619");
        if file.exists() {
            std::fs::remove_file(&file).unwrap();
            removed += 1;
        }
    }
    assert!(removed >= 3, "pg_statistic files removed: {removed}");
    let server = Server::start_in(data, &[]);
    let c = server.connect().await;
    assert_eq!(
        rows(&c, "SELECT count(*) FROM old_rows").await,
        vec![vec![Some("3".to_owned())]]
    );
    exec(&c, "ANALYZE old_rows").await;
    assert_eq!(
        rows(
            &c,
            "SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'old_rows'"
        )
        .await,
        vec![vec![Some("{1}".to_owned())]]
    );
}
