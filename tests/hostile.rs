//! Input a hostile client would send, through a real client: each
//! statement gets PostgreSQL's error (or its answer, where PostgreSQL
//! answers), in bounded time, and a second session keeps answering
//! throughout. One process holds every session, so nothing here may cost
//! the others anything.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{query_error, query_one, Server};

/// `n` copies of `item` joined by `sep`.
fn chain(item: &str, sep: &str, n: usize) -> String {
    vec![item; n].join(sep)
}

/// Runs `sql` on `c` within `limit`; its SQLSTATE, or "ok" and the first
/// value.
async fn outcome(c: &tokio_postgres::Client, sql: &str, limit: Duration) -> (String, String) {
    let started = Instant::now();
    let result = tokio::time::timeout(limit, c.simple_query(sql))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "no answer within {limit:?}: {}...",
                &sql[..60.min(sql.len())]
            )
        });
    let out = match result {
        Ok(messages) => {
            let first = messages.iter().find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            });
            ("ok".to_owned(), first.unwrap_or_default())
        }
        Err(e) => {
            let db = e
                .as_db_error()
                .unwrap_or_else(|| panic!("a server error, not a dropped connection: {e}"));
            (db.code().code().to_owned(), db.message().to_owned())
        }
    };
    assert!(started.elapsed() < limit);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_expressions_are_54001_or_their_answer_never_a_crash() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let other = server.connect().await;
    let limit = Duration::from_secs(60);
    let terms = 100_000;
    let cases: Vec<(String, &str)> = vec![
        (format!("SELECT {}", chain("1", "+", terms)), "54001"),
        (format!("SELECT {}", chain("1", "*", terms)), "54001"),
        (format!("SELECT {}", chain("'a'", "||", 50_000)), "54001"),
        (format!("SELECT 1{}", "::int".repeat(terms)), "54001"),
        (format!("SELECT 1{}", " IS NULL".repeat(terms)), "54001"),
        (format!("SELECT abs({})", chain("1", "+", terms)), "54001"),
        (format!("SELECT sum({})", chain("1", "+", terms)), "54001"),
        (
            format!("SELECT CASE WHEN {} = 1 THEN 1 END", chain("1", "+", terms)),
            "54001",
        ),
        (
            format!("SELECT 1 WHERE 1 = {}", chain("1", "+", terms)),
            "54001",
        ),
        // UNION ALL chains are one Append: flat, so they have an answer.
        (
            format!(
                "SELECT count(*) FROM ({}) s",
                chain("SELECT 1", " UNION ALL ", 20_000)
            ),
            "ok",
        ),
        // PostgreSQL flattens AND / OR chains: they have an answer.
        (format!("SELECT {}", chain("true", " AND ", terms)), "ok"),
        (format!("SELECT {}", chain("false", " OR ", terms)), "ok"),
        // Long but flat lists.
        (format!("SELECT 1 IN ({})", chain("1", ",", terms)), "ok"),
        (format!("SELECT coalesce({})", chain("1", ",", terms)), "ok"),
    ];
    for (sql, want) in &cases {
        let (code, message) = outcome(&c, sql, limit).await;
        assert_eq!(&code, want, "{}...: {message}", &sql[..40]);
        if code == "54001" {
            assert_eq!(message, "stack depth limit exceeded");
        }
        assert_eq!(
            query_one(&other, "SELECT 2").await.as_deref(),
            Some("2"),
            "another session answers"
        );
    }
    assert_eq!(query_one(&c, "SELECT 42").await.as_deref(), Some("42"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chains_postgresql_accepts_run_in_linear_time() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let limit = Duration::from_secs(60);
    let sum = format!("SELECT {}", chain("1", "+", 2_000));
    assert_eq!(outcome(&c, &sum, limit).await, ("ok".into(), "2000".into()));
    let union = chain("SELECT 1", " UNION ALL ", 2_000);
    assert_eq!(outcome(&c, &union, limit).await.0, "ok");
    let casts = format!("SELECT 1{}", "::int".repeat(2_000));
    assert_eq!(outcome(&c, &casts, limit).await, ("ok".into(), "1".into()));
    let or = format!(
        "SELECT count(*) FROM generate_series(1, 10) g WHERE {}",
        (0..20_000)
            .map(|i| format!("g = {i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    assert_eq!(outcome(&c, &or, limit).await, ("ok".into(), "10".into()));
}

#[tokio::test]
async fn max_stack_depth_bounds_nesting_and_has_postgresqls_limits() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let sum = format!("SELECT {}", chain("1", "+", 1_000));
    assert_eq!(query_one(&c, &sum).await.as_deref(), Some("1000"));
    c.batch_execute("SET max_stack_depth = '100kB'")
        .await
        .unwrap();
    let (code, message) = query_error(&c, &sum).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("54001", "stack depth limit exceeded")
    );
    let e = c.simple_query(&sum).await.unwrap_err();
    let hint = e.as_db_error().and_then(|d| d.hint()).unwrap_or_default();
    assert!(hint.contains("(currently 100kB)"), "{hint}");
    c.batch_execute("RESET max_stack_depth").await.unwrap();
    assert_eq!(query_one(&c, &sum).await.as_deref(), Some("1000"));
    // Past the stack rlimit less 512kB, and below 100kB: 22023.
    let (code, message) = query_error(&c, "SET max_stack_depth = '100GB'").await;
    assert_eq!(code, "22023", "{message}");
    assert!(
        message.starts_with("invalid value for parameter \"max_stack_depth\""),
        "{message}"
    );
    let (code, _) = query_error(&c, "SET max_stack_depth = '99kB'").await;
    assert_eq!(code, "22023");
}

#[tokio::test]
async fn result_rows_have_at_most_1664_columns() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let wide = format!("SELECT {}", chain("1", ",", 1_664));
    let rows = c.simple_query(&wide).await.unwrap();
    assert!(rows
        .iter()
        .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(r) if r.len() == 1_664)));
    let (code, message) = query_error(&c, &format!("SELECT {}", chain("1", ",", 200_000))).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("54011", "target lists can have at most 1664 entries")
    );
    assert_eq!(query_one(&c, "SELECT 1").await.as_deref(), Some("1"));
    let (code, message) =
        query_error(&c, &format!("SELECT concat({})", chain("1", ",", 101))).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("54023", "cannot pass more than 100 arguments to a function")
    );
    let hundred = format!("SELECT length(concat({}))", chain("'x'", ",", 100));
    assert_eq!(query_one(&c, &hundred).await.as_deref(), Some("100"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_whose_client_is_gone_stops() {
    let server = Server::start(&[]);
    let watcher = server.connect().await;
    let (client, connection) =
        tokio_postgres::connect(&server.conninfo("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap();
    let conn = tokio::spawn(connection);
    let long = "SELECT count(*) FROM generate_series(1, 2000000000) a /* abandoned */";
    let query = tokio::spawn(async move { client.simple_query(long).await.map(|_| ()) });
    let running = "SELECT count(*) FROM pg_stat_activity \
                   WHERE query LIKE '%abandoned */' AND state = 'active' AND pid <> pg_backend_pid()";
    let started = Instant::now();
    while query_one(&watcher, running).await.as_deref() != Some("1") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the statement never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The client goes away without a word: its socket closes.
    conn.abort();
    query.abort();
    let gone = Instant::now();
    while query_one(&watcher, running).await.as_deref() != Some("0") {
        assert!(
            gone.elapsed() < Duration::from_secs(10),
            "the abandoned statement still runs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(query_one(&watcher, "SELECT 3").await.as_deref(), Some("3"));
}

/// The server's proportional set size in kB (Linux).
fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_idle_sessions_are_cheap_and_others_go_on() {
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let server = Server::start(&["max_connections=1100"]);
    let watcher = server.connect().await;
    let before = pss_kb(server.child.id());
    let conninfo = server.conninfo("postgres");
    let mut sessions = Vec::new();
    for _ in 0..10 {
        let batch = futures::future::join_all(
            (0..100).map(|_| tokio_postgres::connect(&conninfo, tokio_postgres::NoTls)),
        )
        .await;
        for connected in batch {
            let (client, connection) = connected.unwrap();
            tokio::spawn(connection);
            sessions.push(client);
        }
        assert_eq!(query_one(&watcher, "SELECT 1").await.as_deref(), Some("1"));
    }
    // Measured before the sessions below run anything: a statement takes
    // an executor thread, and the pool keeps the threads it started (their
    // stacks and allocator caches) for a while whoever asked for them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with = pss_kb(server.child.id());
    let per_session = with.saturating_sub(before) / 1000;
    assert!(
        per_session <= 48,
        "{per_session} kB per idle session ({before} -> {with} kB)"
    );
    for (i, c) in sessions.iter().enumerate().step_by(50) {
        assert_eq!(
            query_one(c, &format!("SELECT {i}")).await,
            Some(i.to_string())
        );
    }
    // Past max_connections: 53300, and the others go on.
    let extra = futures::future::join_all(
        (0..150).map(|_| tokio_postgres::connect(&conninfo, tokio_postgres::NoTls)),
    )
    .await;
    let refused = extra
        .iter()
        .filter(|r| {
            r.as_ref()
                .err()
                .and_then(|e| e.as_db_error())
                .is_some_and(|d| d.code().code() == "53300")
        })
        .count();
    assert!(
        refused >= 50,
        "{refused} of 150 refused past max_connections"
    );
    assert!(extra.iter().all(|r| match r {
        Ok(_) => true,
        Err(e) => e.as_db_error().is_some_and(|d| d.code().code() == "53300"),
    }));
    drop(extra);
    drop(sessions);
    assert_eq!(query_one(&watcher, "SELECT 4").await.as_deref(), Some("4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_that_cannot_spill_stops_at_the_backend_limit() {
    let server = Server::start(&["actorgres.backend_memory_limit=64MB"]);
    let c = server.connect().await;
    let other = server.connect().await;
    // UNION keeps every row it has seen: it grows until the limit.
    let growing = "WITH RECURSIVE r(n, s) AS (SELECT 1, repeat('x', 10000) \
                   UNION SELECT n + 1, s FROM r) SELECT count(*) FROM r";
    let e = c.simple_query(growing).await.unwrap_err();
    let db = e.as_db_error().expect("an error, not a dropped connection");
    assert_eq!(db.code().code(), "53200");
    assert_eq!(db.message(), "out of memory");
    assert!(
        db.detail()
            .unwrap_or_default()
            .contains("in memory context \"RecursiveUnion\""),
        "{db:?}"
    );
    assert_eq!(query_one(&other, "SELECT 5").await.as_deref(), Some("5"));
    // UNION ALL holds one round at a time: 100 MB in all passes the
    // 64 MB limit, since each round's rows are given back.
    let rounds = "WITH RECURSIVE r(n, s) AS (SELECT 1, repeat('x', 10000) \
                  UNION ALL SELECT n + 1, s FROM r WHERE n < 10000) SELECT count(*) FROM r";
    assert_eq!(query_one(&c, rounds).await.as_deref(), Some("10000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_agg_stops_at_postgres_one_gigabyte_string_limit() {
    // Without the limit the string grows with its input until the
    // kernel ends every session; PostgreSQL stops it at 1 GB.
    let server = Server::start(&[]);
    let c = server.connect().await;
    let e = c
        .simple_query(
            "SELECT length(string_agg(repeat('x', 1000000), '')) FROM generate_series(1, 1100)",
        )
        .await
        .unwrap_err();
    let db = e.as_db_error().expect("an error, not a dropped connection");
    assert_eq!(db.code().code(), "54000");
    assert_eq!(db.message(), "out of memory");
    assert_eq!(
        db.detail(),
        Some("Cannot enlarge string buffer containing 1073000000 bytes by 1000000 more bytes.")
    );
    assert_eq!(query_one(&c, "SELECT 6").await.as_deref(), Some("6"));
}
