//! Actor-level tests: a real actix System, the Postmaster and Backends
//! driven over loopback sockets by tokio-postgres, observed through the
//! Postmaster's messages (CountBackends, GetTree).

use std::future::Future;
use std::time::Duration;

use actix::Addr;
use actorgres_sql::guc::{Settings, Source};
use tokio_postgres::{NoTls, SimpleQueryMessage};

use crate::postmaster::{CancelBackend, CountBackends, GetTree, Postmaster};
use crate::server::{start_with_workers, Handle};
use crate::tree::TreeNode;

/// Runs `test` against a server started in a fresh System with these
/// settings (introspection off, signals untouched).
fn with_server<F, Fut>(settings: &[(&str, &str)], test: F)
where
    F: FnOnce(Handle, u16) -> Fut,
    Fut: Future<Output = ()>,
{
    with_server_and_workers(settings, Vec::new(), test);
}

/// [`with_server`] with extra background workers.
fn with_server_and_workers<F, Fut>(
    settings: &[(&str, &str)],
    workers: Vec<crate::WorkerSpec>,
    test: F,
) where
    F: FnOnce(Handle, u16) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut s = Settings::new();
    s.set("introspection_listen", Some(""), Source::CommandLine)
        .unwrap();
    for (n, v) in settings {
        s.set(n, Some(v), Source::CommandLine).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    actorgres_storage::DataDir::init_with(dir.path(), &actorgres_sql::populate).unwrap();
    s.set_internal("data_directory", &dir.path().display().to_string());
    let cluster = crate::server::open_cluster(&s).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    actix_rt::System::new().block_on(async move {
        let handle = start_with_workers(s, cluster, vec![listener], false, workers).unwrap();
        test(handle, port).await;
    });
}

async fn connect(port: u16) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let conninfo = format!("host=127.0.0.1 port={port} user=postgres dbname=postgres");
    let (client, conn) = tokio_postgres::connect(&conninfo, NoTls).await?;
    actix_rt::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

async fn counts(pm: &Addr<Postmaster>) -> (usize, usize) {
    pm.send(CountBackends).await.unwrap()
}

/// Polls until `f` holds (bounded; a wait for a state, not a timing check).
async fn eventually<F, Fut>(mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..400 {
        if f().await {
            return true;
        }
        actix_rt::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

async fn pid_of(c: &tokio_postgres::Client) -> i32 {
    for m in c.simple_query("select pg_backend_pid()").await.unwrap() {
        if let SimpleQueryMessage::Row(r) = m {
            return r.get(0).unwrap().parse().unwrap();
        }
    }
    panic!("no pid")
}

fn backend(tree: &TreeNode, pid: i32) -> Option<&TreeNode> {
    tree.children
        .iter()
        .find(|c| c.kind == "Backend" && c.details["pid"] == pid)
}

#[test]
fn postmaster_tracks_and_reaps_backends() {
    with_server(&[], |h, port| async move {
        assert_eq!(counts(&h.postmaster).await, (0, 0));
        let a = connect(port).await.unwrap();
        let b = connect(port).await.unwrap();
        assert_eq!(counts(&h.postmaster).await, (2, 2));
        drop(a);
        assert!(eventually(|| async { counts(&h.postmaster).await == (1, 1) }).await);
        drop(b);
        assert!(eventually(|| async { counts(&h.postmaster).await == (0, 0) }).await);
    });
}

#[test]
fn slots_are_reused_without_reusing_pids() {
    with_server(&[], |h, port| async move {
        let mut pids = Vec::new();
        for _ in 0..10 {
            let c = connect(port).await.unwrap();
            pids.push(pid_of(&c).await);
            drop(c);
            assert!(eventually(|| async { counts(&h.postmaster).await == (0, 0) }).await);
        }
        let mut unique = pids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), pids.len(), "pids were reused: {pids:?}");
    });
}

#[test]
fn max_connections_is_enforced() {
    with_server(&[("max_connections", "2")], |h, port| async move {
        let _a = connect(port).await.unwrap();
        let _b = connect(port).await.unwrap();
        let Err(e) = connect(port).await else {
            panic!("a third connection was admitted")
        };
        assert_eq!(e.as_db_error().unwrap().code().code(), "53300");
        // The refused connection is reaped too.
        assert!(eventually(|| async { counts(&h.postmaster).await == (2, 2) }).await);
    });
}

#[test]
fn cancel_reaches_the_right_backend_only() {
    with_server(&[], |h, port| async move {
        let a = connect(port).await.unwrap();
        let b = connect(port).await.unwrap();
        let b_pid = pid_of(&b).await;
        let token = a.cancel_token();
        let ra = actix_rt::spawn(async move { a.simple_query("SELECT pg_sleep(30)").await });
        let rb = actix_rt::spawn(async move { b.simple_query("SELECT pg_sleep(0.5)").await });
        let pm = h.postmaster.clone();
        assert!(
            eventually(|| async {
                let t = pm.send(GetTree).await.unwrap();
                t.children.iter().filter(|c| c.state == "active").count() == 2
            })
            .await
        );
        // A wrong key for B cancels nothing; A's own token cancels A.
        h.postmaster.do_send(CancelBackend { pid: b_pid, key: 0 });
        token.cancel_query(NoTls).await.unwrap();
        let e = ra.await.unwrap().unwrap_err();
        assert_eq!(e.as_db_error().unwrap().code().code(), "57014");
        rb.await.unwrap().expect("B ran to the end");
    });
}

#[test]
fn backend_states_follow_the_session() {
    with_server(&[], |h, port| async move {
        let c = connect(port).await.unwrap();
        let pid = pid_of(&c).await;
        let t = h.postmaster.send(GetTree).await.unwrap();
        assert_eq!(backend(&t, pid).unwrap().state, "idle");
        let run = actix_rt::spawn(async move {
            c.simple_query("SELECT pg_sleep(0.3)").await.unwrap();
            c
        });
        let pm = h.postmaster.clone();
        assert!(
            eventually(|| async {
                let t = pm.send(GetTree).await.unwrap();
                backend(&t, pid).is_some_and(|b| b.state == "active")
            })
            .await
        );
        let c = run.await.unwrap();
        let t = h.postmaster.send(GetTree).await.unwrap();
        let node = backend(&t, pid).unwrap();
        assert_eq!(node.state, "idle");
        assert_eq!(node.details["query"], "SELECT pg_sleep(0.3)");
        drop(c);
    });
}

#[test]
fn a_panic_on_the_executor_ends_that_session_only() {
    with_server(&[], |h, port| async move {
        let victim = connect(port).await.unwrap();
        let other = connect(port).await.unwrap();
        let e = victim
            .simple_query("SELECT 1 /* test: panic on the executor */")
            .await
            .unwrap_err();
        let db = e.as_db_error().unwrap();
        assert_eq!((db.severity(), db.code().code()), ("FATAL", "XX000"));
        assert!(eventually(|| async { counts(&h.postmaster).await == (1, 1) }).await);
        assert!(other.simple_query("SELECT 1").await.is_ok());
    });
}

#[test]
fn an_executor_failing_while_it_holds_the_socket_ends_that_session_only() {
    with_server(&[], |h, port| async move {
        let victim = connect(port).await.unwrap();
        let other = connect(port).await.unwrap();
        // The first statement hands the socket to the executor, which
        // reads the next one itself and fails outside any statement: the
        // socket is dropped, and the Backend must notice and end.
        victim.simple_query("SELECT 1").await.unwrap();
        assert!(victim
            .simple_query("SELECT 2 /* test: panic in the hot socket */")
            .await
            .is_err());
        assert!(eventually(|| async { counts(&h.postmaster).await == (1, 1) }).await);
        assert!(other.simple_query("SELECT 3").await.is_ok());
    });
}

#[test]
fn a_panic_in_a_backend_actor_is_reaped_and_harms_nobody() {
    with_server(&[], |h, port| async move {
        let victim = connect(port).await.unwrap();
        let other = connect(port).await.unwrap();
        assert!(victim
            .simple_query("SELECT 1 /* test: panic in the actor */")
            .await
            .is_err());
        assert!(eventually(|| async { counts(&h.postmaster).await == (1, 1) }).await);
        assert!(other.simple_query("SELECT 2").await.is_ok());
        let again = connect(port).await.unwrap();
        assert!(again.simple_query("SELECT 3").await.is_ok());
    });
}

/// Panics in its first `panics` rounds, then succeeds.
struct Flaky {
    rounds: std::sync::atomic::AtomicU32,
    panics: u32,
}

impl crate::Job for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn interval(&self) -> Duration {
        Duration::from_millis(10)
    }
    fn run(&self, _: &actorgres_memory::Interrupts) -> Result<String, String> {
        let n = self
            .rounds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert!(n >= self.panics, "test panic in a background job");
        Ok(format!("round {n}"))
    }
}

#[test]
fn a_panicking_worker_is_restarted_with_backoff_and_counted() {
    let job = std::sync::Arc::new(Flaky {
        rounds: std::sync::atomic::AtomicU32::new(0),
        panics: 3,
    });
    let spec = crate::WorkerSpec {
        job: job.clone(),
        restart_interval: Duration::from_millis(20),
    };
    with_server_and_workers(&[], vec![spec], |h, port| async move {
        let worker = |t: &TreeNode| {
            t.children
                .iter()
                .find(|c| c.id == "worker-flaky")
                .cloned()
                .expect("the worker is in the tree")
        };
        assert!(
            eventually(|| async {
                let t = h.postmaster.send(GetTree).await.unwrap();
                let w = worker(&t);
                w.restarts == 3
                    && w.details["last_result"]
                        .as_str()
                        .is_some_and(|r| r.starts_with("round"))
            })
            .await,
            "three panics counted, then good rounds"
        );
        let t = h.postmaster.send(GetTree).await.unwrap();
        assert_eq!(worker(&t).kind, "BackgroundWorker");
        // Sessions never noticed.
        let c = connect(port).await.unwrap();
        assert!(pid_of(&c).await > 0);
    });
}

#[test]
fn a_storage_panic_stops_the_tree_for_a_restart_with_recovery() {
    // Make the WAL's next segment impossible to create, then write past
    // the current one: the engine fails as on a full or broken disk. The
    // Postmaster must notice and stop with EXIT_CRASHED (the binary then
    // restarts in place and recovery runs).
    let dir = tempfile::tempdir().unwrap();
    actorgres_storage::DataDir::init_with(dir.path(), &actorgres_sql::populate).unwrap();
    let mut s = Settings::new();
    s.set("introspection_listen", Some(""), Source::CommandLine)
        .unwrap();
    s.set("fsync", Some("off"), Source::CommandLine).unwrap();
    s.set_internal("data_directory", &dir.path().display().to_string());
    let cluster = crate::server::open_cluster(&s).unwrap();
    let engine = std::sync::Arc::clone(&cluster.engine);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let system = actix_rt::System::new();
        system
            .block_on(async {
                start_with_workers(s, cluster, vec![listener], false, Vec::new()).map(|_| ())
            })
            .unwrap();
        let _ = tx.send(system.run_with_code().unwrap());
    });
    use actorgres_storage::wal::{segment_name, SEGMENT_SIZE};
    let next = engine.wal_insert_lsn() / SEGMENT_SIZE + 1;
    std::fs::create_dir(dir.path().join("pg_wal").join(segment_name(next))).unwrap();
    let interrupts = actorgres_memory::Interrupts::new();
    let policy = actorgres_storage::lock::WaitPolicy {
        interrupts: &interrupts,
        deadlock_timeout: Duration::from_secs(1),
        lock_timeout: None,
    };
    let xid = engine.assign_xid(1, &policy).unwrap();
    let rel = engine
        .create_relation(xid, 5, engine.new_oid().unwrap())
        .unwrap();
    let row = vec![7u8; 4000];
    let mut failed = None;
    for _ in 0..20_000 {
        if let Err(e) = engine.heap_insert(rel, xid, 0, &row, 100) {
            failed = Some(e);
            break;
        }
    }
    assert!(
        matches!(failed, Some(actorgres_storage::StorageError::Panic(_))),
        "{failed:?}"
    );
    assert!(engine.is_broken());
    let code = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the tree stopped");
    assert_eq!(code, crate::server::EXIT_CRASHED);
}
