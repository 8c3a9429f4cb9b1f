//! The query engine through real clients: work_mem spilling gives the
//! same answers, temp files are counted and removed, EXPLAIN ANALYZE
//! reports the sort method, long queries stop on cancel and
//! statement_timeout, deep or huge SQL is an error and never a dropped
//! connection, and random SQL never takes a session down.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use common::{query_error, query_one, Server};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// An order-sensitive digest of every row of `sql`, and the row count.
async fn digest(c: &Client, sql: &str) -> (u64, usize) {
    let mut h = DefaultHasher::new();
    let mut n = 0;
    for m in c
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    {
        if let SimpleQueryMessage::Row(r) = m {
            for i in 0..r.len() {
                r.get(i).hash(&mut h);
            }
            n += 1;
        }
    }
    (h.finish(), n)
}

/// pg_stat_database.temp_files of database postgres.
async fn temp_files_counted(c: &Client) -> i64 {
    query_one(
        c,
        "SELECT temp_files FROM pg_stat_database WHERE datname = 'postgres'",
    )
    .await
    .unwrap()
    .parse()
    .unwrap()
}

/// Files in base/pgsql_tmp now.
fn temp_files(server: &Server) -> usize {
    std::fs::read_dir(server.data.path().join("base/pgsql_tmp")).map_or(0, |d| d.count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_work_mem_spills_and_gives_the_same_rows() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE m (k int, v text);
         INSERT INTO m SELECT (x::int8 * 7919) % 1000003, 'v' || x::text FROM generate_series(1, 1000000) x",
    )
    .await
    .unwrap();
    let sort = "SELECT k, v FROM m ORDER BY k DESC, v";
    let group = "SELECT k, count(*), max(v) FROM m GROUP BY k ORDER BY k";
    c.batch_execute("SET work_mem = '1GB'").await.unwrap();
    let big_sort = digest(&c, sort).await;
    let big_group = digest(&c, group).await;
    let before = temp_files_counted(&c).await;
    assert_eq!(before, 0, "1GB of work_mem never spills these");
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    let small_sort = digest(&c, sort).await;
    // The GROUP BY's own hash table spills; its ORDER BY sorts 1M groups.
    let small_group = digest(&c, "SELECT k, count(*), max(v) FROM m GROUP BY k").await;
    assert_eq!(small_sort, big_sort, "ORDER BY under 64kB");
    assert_eq!(big_sort.1, 1_000_000);
    let sorted_small_group = digest(&c, group).await;
    assert_eq!(sorted_small_group, big_group, "GROUP BY under 64kB");
    assert_eq!(small_group.1, big_group.1);
    // DISTINCT and UNION keep their seen keys within the hash budget too.
    let distinct = "SELECT count(*), sum(k), min(v) FROM (SELECT DISTINCT k, v FROM m WHERE k % 2 = 0 UNION SELECT k, v FROM m WHERE k % 3 = 0) s";
    c.batch_execute("SET work_mem = '1GB'").await.unwrap();
    let big_distinct = digest(&c, distinct).await;
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    assert_eq!(
        digest(&c, distinct).await,
        big_distinct,
        "DISTINCT/UNION under 64kB"
    );
    // INTERSECT and EXCEPT [ALL] sort both sides; past 64kB the sorts
    // spill, the counts stay right.
    let setops = [
        "SELECT count(*), sum(k) FROM (SELECT k % 5000 AS k FROM m INTERSECT ALL SELECT k % 7000 FROM m WHERE k % 3 = 0) s",
        "SELECT count(*), sum(k) FROM (SELECT k FROM m EXCEPT SELECT k FROM m WHERE k % 3 = 0) s",
    ];
    c.batch_execute("SET work_mem = '1GB'").await.unwrap();
    let mut big_setops = Vec::new();
    for q in setops {
        big_setops.push(digest(&c, q).await);
    }
    let before_setops = temp_files_counted(&c).await;
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    for (q, want) in setops.iter().zip(&big_setops) {
        assert_eq!(&digest(&c, q).await, want, "{q}");
    }
    assert!(
        temp_files_counted(&c).await > before_setops,
        "INTERSECT/EXCEPT sorts spilled"
    );
    let after = temp_files_counted(&c).await;
    assert!(after > 0, "spilling is counted in pg_stat_database");
    assert_eq!(
        temp_files(&server),
        0,
        "temp files are gone at statement end"
    );
    // The tree shows the backend's spill.
    let (status, body) = server.http_get("/tree");
    assert_eq!(status, 200);
    let tree: serde_json::Value = serde_json::from_str(&body).unwrap();
    let text = tree.to_string();
    assert!(text.contains("\"temp_bytes\""), "{text}");
    let spilled = find_numbers(&tree, "temp_bytes")
        .into_iter()
        .max()
        .unwrap_or(0);
    assert!(
        spilled > 0,
        "a backend's temp bytes show in the tree: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_joins_spill_with_the_same_rows() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE l (k int, v int);
         INSERT INTO l SELECT CASE WHEN x % 97 = 0 THEN NULL ELSE x % 30011 END, x FROM generate_series(1, 120000) x;
         CREATE TABLE r (k int, w text);
         INSERT INTO r SELECT CASE WHEN x % 89 = 0 THEN NULL ELSE (x * 7) % 40009 END, 'w' || x::text FROM generate_series(1, 60000) x",
    )
    .await
    .unwrap();
    let queries = [
        "SELECT l.v, r.w FROM l JOIN r ON l.k = r.k ORDER BY 1, 2",
        "SELECT l.v, r.w FROM l LEFT JOIN r ON l.k = r.k ORDER BY 1, 2",
        "SELECT l.v, r.w FROM l RIGHT JOIN r ON l.k = r.k ORDER BY 1, 2",
        "SELECT l.v, r.w FROM l FULL JOIN r ON l.k = r.k AND l.v > 100 ORDER BY 1, 2",
    ];
    let mut big = Vec::new();
    c.batch_execute("SET work_mem = '1GB'").await.unwrap();
    for q in queries {
        big.push(digest(&c, q).await);
    }
    let before = temp_files_counted(&c).await;
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    for (q, want) in queries.iter().zip(&big) {
        assert_eq!(&digest(&c, q).await, want, "{q}");
    }
    assert!(temp_files_counted(&c).await > before, "the joins spilled");
    // The same joins as merge joins (nested loops are checked on small
    // tables in tests/slt/joins.slt).
    c.batch_execute("RESET work_mem; SET enable_hashjoin = off")
        .await
        .unwrap();
    for (q, want) in queries.iter().zip(&big) {
        assert_eq!(&digest(&c, q).await, want, "merge join: {q}");
    }
    // The merge joins' sorts spill past a small work_mem, same rows.
    let before = temp_files_counted(&c).await;
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    for (q, want) in queries.iter().zip(&big) {
        assert_eq!(&digest(&c, q).await, want, "spilled merge join: {q}");
    }
    assert!(
        temp_files_counted(&c).await > before,
        "the merge joins' sorts spilled"
    );
    c.batch_execute("RESET work_mem").await.unwrap();
    // Every outer row survives an outer join; inner joins lose the NULL keys.
    assert!(big[0].1 > 0 && big[1].1 >= 120_000 && big[2].1 >= 60_000);
    assert!(big[3].1 >= big[2].1 && big[0].1 < big[1].1);
    assert_eq!(temp_files(&server), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_builds_spill_past_maintenance_work_mem_and_find_the_same_rows() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE ix (k int, v text);
         INSERT INTO ix SELECT (x::int8 * 7919) % 300007, 'v' || x::text FROM generate_series(1, 300000) x",
    )
    .await
    .unwrap();
    let queries = [
        "SELECT k, v FROM ix WHERE k BETWEEN 1000 AND 60000 ORDER BY k",
        "SELECT v FROM ix WHERE k = 4242",
        "SELECT k FROM ix WHERE v > 'v29' AND v < 'v3' ORDER BY k",
    ];
    let mut scanned = Vec::new();
    for q in queries {
        scanned.push(digest(&c, q).await);
    }
    // Within maintenance_work_mem the entries are sorted in memory: no
    // temp file, the same rows, and a duplicate key found.
    let before = temp_files_counted(&c).await;
    c.batch_execute("CREATE INDEX ix_mem ON ix (k, v)")
        .await
        .unwrap();
    assert_eq!(temp_files_counted(&c).await, before, "built in memory");
    for (q, want) in queries.iter().zip(&scanned) {
        assert_eq!(&digest(&c, q).await, want, "{q}");
    }
    c.batch_execute("INSERT INTO ix VALUES (7, 'twice'), (7, 'twice')")
        .await
        .unwrap();
    let (code, msg) = query_error(&c, "CREATE UNIQUE INDEX ix_dup ON ix (k, v)").await;
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("23505", "could not create unique index \"ix_dup\"")
    );
    c.batch_execute("DELETE FROM ix WHERE v = 'twice'; DROP INDEX ix_mem")
        .await
        .unwrap();
    // 300,000 entries take well over 1MB: the build's sort spills.
    c.batch_execute(
        "SET maintenance_work_mem = '1MB';
         CREATE UNIQUE INDEX ix_k ON ix (k);
         CREATE INDEX ix_v ON ix (v)",
    )
    .await
    .unwrap();
    assert!(temp_files_counted(&c).await > before, "the builds spilled");
    let plan = query_one(&c, "EXPLAIN SELECT v FROM ix WHERE k = 4242")
        .await
        .unwrap();
    assert_eq!(plan, "Index Scan using ix_k on ix");
    for (q, want) in queries.iter().zip(&scanned) {
        assert_eq!(&digest(&c, q).await, want, "{q}");
    }
    // A duplicate among spilled runs is still found.
    c.batch_execute("DROP INDEX ix_k; INSERT INTO ix VALUES (150000, 'again')")
        .await
        .unwrap();
    let (code, msg) = query_error(&c, "CREATE UNIQUE INDEX ix_k ON ix (k)").await;
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("23505", "could not create unique index \"ix_k\"")
    );
    assert_eq!(temp_files(&server), 0);
}

/// Every number stored under `key` anywhere in `v`.
fn find_numbers(v: &serde_json::Value, key: &str) -> Vec<u64> {
    let mut out = Vec::new();
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.extend(x.as_u64());
                }
                out.extend(find_numbers(x, key));
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| out.extend(find_numbers(x, key))),
        _ => {}
    }
    out
}

#[tokio::test]
async fn explain_analyze_shows_the_sort_method() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let plan = |rows: Vec<SimpleQueryMessage>| -> String {
        rows.into_iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let q =
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT x FROM generate_series(1, 20000) x ORDER BY x DESC";
    let fast = plan(c.simple_query(q).await.unwrap());
    assert!(fast.starts_with("Sort (actual time="), "{fast}");
    assert!(fast.contains("Sort Method: quicksort  Memory: "), "{fast}");
    assert!(
        fast.contains("\n  ->  Function Scan on generate_series x (actual"),
        "{fast}"
    );
    assert!(fast.contains("Execution Time: "), "{fast}");
    c.batch_execute("SET work_mem = '64kB'").await.unwrap();
    let spilled = plan(c.simple_query(q).await.unwrap());
    assert!(
        spilled.contains("Sort Method: external merge  Disk: "),
        "{spilled}"
    );
    let limited = plan(
        c.simple_query(
            "EXPLAIN ANALYZE SELECT x FROM generate_series(1, 100000) x ORDER BY x LIMIT 3",
        )
        .await
        .unwrap(),
    );
    assert!(limited.starts_with("Limit"), "{limited}");
    assert!(limited.contains("top-N heapsort"), "{limited}");
    c.batch_execute("CREATE TABLE e (a int, b int)")
        .await
        .unwrap();
    let join = plan(
        c.simple_query("EXPLAIN SELECT * FROM e x JOIN e y ON x.a = y.b WHERE x.b > 1")
            .await
            .unwrap(),
    );
    assert_eq!(
        join,
        "Hash Join\n  Hash Cond: (y.b = x.a)\n  ->  Seq Scan on e y\n  ->  Hash\n        ->  Seq Scan on e x\n              Filter: (b > 1)",
        "PostgreSQL's node names, conditions and indentation; the WHERE term filters x's scan"
    );
    c.batch_execute("SET enable_hashjoin = off").await.unwrap();
    let merge = plan(
        c.simple_query("EXPLAIN SELECT * FROM e x LEFT JOIN e y ON x.a = y.b")
            .await
            .unwrap(),
    );
    assert_eq!(
        merge,
        "Merge Left Join\n  Merge Cond: (x.a = y.b)\n  ->  Sort\n        Sort Key: x.a\n        ->  Seq Scan on e x\n  ->  Sort\n        Sort Key: y.b\n        ->  Seq Scan on e y",
        "as PostgreSQL 15 prints it"
    );
}

#[tokio::test]
async fn statement_timeout_and_cancel_stop_big_queries() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute("SET statement_timeout = '200ms'")
        .await
        .unwrap();
    let started = Instant::now();
    let (code, msg) = query_error(
        &c,
        "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b",
    )
    .await;
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("57014", "canceling statement due to statement timeout")
    );
    let (code, _) = query_error(
        &c,
        "SELECT x FROM generate_series(1, 5000000) x ORDER BY x DESC",
    )
    .await;
    assert_eq!(code, "57014", "a big sort stops too");
    // A select-list series streams: 2e9 rows never sit in memory.
    let (code, _) = query_error(
        &c,
        "SELECT count(*) FROM (SELECT generate_series(1, 2000000000)) s",
    )
    .await;
    assert_eq!(code, "57014", "a huge select-list series stops too");
    assert!(started.elapsed() < Duration::from_secs(60));
    c.batch_execute("RESET statement_timeout").await.unwrap();
    // Cancel from another connection, as psql's ^C does.
    let token = c.cancel_token();
    let runner = tokio::spawn(async move {
        let r = c
            .simple_query(
                "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b",
            )
            .await;
        (r, c)
    });
    let observer = server.connect().await;
    for _ in 0..200 {
        let active = query_one(
            &observer,
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%generate_series(1, 100000) a%' AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();
        if active == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    token.cancel_query(NoTls).await.unwrap();
    let (r, c) = runner.await.unwrap();
    let e = r.unwrap_err();
    assert_eq!(e.as_db_error().unwrap().code().code(), "57014");
    assert_eq!(
        query_one(&c, "SELECT 1").await.as_deref(),
        Some("1"),
        "the session goes on"
    );
}

#[tokio::test]
async fn deep_and_huge_sql_is_an_error_not_a_crash() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    let deep = format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = c.simple_query(&deep).await.unwrap_err();
    let db = e
        .as_db_error()
        .expect("a server error, not a dropped connection");
    assert!(["54001", "42601"].contains(&db.code().code()), "{db:?}");
    let nested = format!("SELECT {}1", "- ".repeat(50_000));
    assert!(c
        .simple_query(&nested)
        .await
        .unwrap_err()
        .as_db_error()
        .is_some());
    let subqueries = format!("SELECT {}1{}", "(SELECT ".repeat(3_000), ")".repeat(3_000));
    let e = c.simple_query(&subqueries).await.unwrap_err();
    assert!(e.as_db_error().is_some(), "{e}");
    // A 100 MB query string: one huge literal.
    let huge = format!("SELECT length('{}')", "x".repeat(100 << 20));
    let n = query_one(&c, &huge).await.unwrap();
    assert_eq!(n, (100 << 20).to_string());
    assert_eq!(query_one(&c, "SELECT 42").await.as_deref(), Some("42"));
}

/// A small random SQL generator: mostly well-formed queries over a known
/// table, with random damage (dropped and swapped tokens).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// An expression: mostly well typed (ints, text, bools, dates),
    /// sometimes anything (`wild`), so that both answers and errors come.
    fn expr(&mut self, depth: u32) -> String {
        match self.next() % 10 {
            0..=3 => self.int(depth),
            4..=5 => self.text(depth),
            6..=7 => self.boolean(depth),
            8 => self.date(depth),
            _ => self.wild(depth),
        }
    }

    fn int(&mut self, depth: u32) -> String {
        if depth > 3 || self.next().is_multiple_of(3) {
            return self
                .pick(&[
                    "t.a",
                    "t.a",
                    "1",
                    "0",
                    "-7",
                    "2147483647",
                    "NULL",
                    "length(t.b)",
                    "(t.a % 5)",
                ])
                .to_owned();
        }
        let (l, r) = (self.int(depth + 1), self.int(depth + 1));
        match self.next() % 9 {
            0 => format!(
                "({l} {} {r})",
                self.pick(&["+", "-", "*", "/", "%", "&", "|", "#", "<<"])
            ),
            1 => format!("abs({l})"),
            2 => format!("coalesce({l}, {r})"),
            3 => format!(
                "CASE WHEN {} THEN {l} ELSE {r} END",
                self.boolean(depth + 1)
            ),
            4 => format!("(SELECT max(x.a) FROM t x WHERE x.a < {l})"),
            5 => format!("greatest({l}, {r}, 3)"),
            6 => format!("length({})", self.text(depth + 1)),
            7 => format!("extract(day from {})::int", self.date(depth + 1)),
            _ => format!("nullif({l}, {r})"),
        }
    }

    fn text(&mut self, depth: u32) -> String {
        if depth > 3 || self.next().is_multiple_of(3) {
            return self
                .pick(&["t.b", "'x'", "''", "NULL", "'%_'", "t.b", "'héllo'"])
                .to_owned();
        }
        let (l, r) = (self.text(depth + 1), self.text(depth + 1));
        match self.next() % 8 {
            0 => format!("({l} || {r})"),
            1 => format!("upper({l})"),
            2 => format!("lpad({l}, {}, {r})", self.int(depth + 1)),
            3 => format!("split_part({l}, {r}, {})", self.int(depth + 1)),
            4 => format!("substr({l}, {})", self.int(depth + 1)),
            5 => format!("({})::text", self.int(depth + 1)),
            6 => format!("to_char({}, 'YYYY-MM-DD Day')", self.date(depth + 1)),
            _ => format!("repeat({l}, {})", self.int(depth + 1) + " % 4"),
        }
    }

    fn boolean(&mut self, depth: u32) -> String {
        if depth > 3 || self.next().is_multiple_of(4) {
            return self
                .pick(&["true", "false", "NULL", "(t.a > 3)", "(t.b IS NULL)"])
                .to_owned();
        }
        match self.next() % 7 {
            0 => format!(
                "({} {} {})",
                self.int(depth + 1),
                self.pick(&["=", "<", ">=", "<>", "IS DISTINCT FROM"]),
                self.int(depth + 1)
            ),
            1 => format!("({} LIKE {})", self.text(depth + 1), self.text(depth + 1)),
            2 => format!(
                "({} {} {})",
                self.boolean(depth + 1),
                self.pick(&["AND", "OR"]),
                self.boolean(depth + 1)
            ),
            3 => format!(
                "({} IN (SELECT a FROM t WHERE a > {}))",
                self.int(depth + 1),
                self.int(depth + 1)
            ),
            4 => format!(
                "EXISTS (SELECT 1 FROM t x WHERE x.a = {})",
                self.int(depth + 1)
            ),
            5 => format!("NOT {}", self.boolean(depth + 1)),
            _ => format!(
                "({} BETWEEN {} AND {})",
                self.int(depth + 1),
                self.int(depth + 1),
                self.int(depth + 1)
            ),
        }
    }

    fn date(&mut self, depth: u32) -> String {
        if depth > 3 || self.next().is_multiple_of(2) {
            return self
                .pick(&["t.d", "date '2024-02-29'", "current_date", "NULL"])
                .to_owned();
        }
        match self.next() % 3 {
            0 => format!("({} + {})", self.date(depth + 1), self.int(depth + 1)),
            1 => format!("date_trunc('month', {})::date", self.date(depth + 1)),
            _ => format!("({} - {})", self.date(depth + 1), self.int(depth + 1)),
        }
    }

    /// Anything, types unchecked.
    fn wild(&mut self, depth: u32) -> String {
        let l = if depth > 2 {
            "a".to_owned()
        } else {
            self.expr(depth + 1)
        };
        match self.next() % 6 {
            0 => format!(
                "({l})::{}",
                self.pick(&[
                    "int",
                    "text",
                    "numeric",
                    "float8",
                    "bool",
                    "date",
                    "int8",
                    "int2",
                    "float4",
                    "varchar(2)",
                    "char(3)",
                    "numeric(5,2)",
                    "timestamp",
                    "interval",
                    "bytea",
                    "uuid",
                    "oid",
                ])
            ),
            1 => format!(
                "{}({l})",
                self.pick(&[
                    "sqrt",
                    "exp",
                    "ln",
                    "floor",
                    "initcap",
                    "reverse",
                    "chr",
                    "pg_typeof",
                    "md5",
                    "array_agg",
                    "cbrt",
                    "to_hex",
                    "ascii",
                    "generate_series",
                ])
            ),
            2 => self
                .pick(&[
                    "9223372036854775807",
                    "1e308",
                    "'NaN'::float8",
                    "interval '1 day'",
                    "'2024-13-45'",
                    "-0.0",
                    "1.5e-300",
                ])
                .to_owned(),
            3 => format!(
                "({l} {} {})",
                self.pick(&["+", "*", "/", "^", "||", "<<"]),
                self.expr(depth + 1)
            ),
            _ => format!(
                "{}() OVER (PARTITION BY {l} ORDER BY {} {})",
                self.pick(&[
                    "row_number",
                    "rank",
                    "dense_rank",
                    "percent_rank",
                    "cume_dist"
                ]),
                self.int(depth + 1),
                self.pick(&[
                    "",
                    "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW",
                    "DESC NULLS FIRST"
                ])
            ),
        }
    }

    fn query(&mut self) -> String {
        let agg = if self.next().is_multiple_of(4) {
            format!(
                "{}({})",
                self.pick(&["count", "sum", "max", "avg", "min"]),
                self.int(1)
            )
        } else {
            self.expr(0)
        };
        let mut q = format!("SELECT {}, {agg} FROM t", self.expr(0));
        if self.next().is_multiple_of(2) {
            q += &format!(
                " {} JOIN t u ON u.a = {}",
                self.pick(&["", "LEFT", "RIGHT", "FULL"]),
                self.int(1)
            );
        }
        if self.next().is_multiple_of(2) {
            q += &format!(" WHERE {}", self.boolean(0));
        }
        if self.next().is_multiple_of(3) {
            q += &format!(" GROUP BY {}", self.expr(1));
        }
        if self.next().is_multiple_of(3) {
            q += &format!(" ORDER BY {} LIMIT {}", self.expr(1), self.next() % 5);
        }
        if self.next().is_multiple_of(4) {
            q += &format!(
                " {} SELECT {}, {}",
                self.pick(&["UNION", "UNION ALL", "INTERSECT", "EXCEPT ALL"]),
                self.expr(1),
                self.expr(1)
            );
        }
        match self.next() % 8 {
            0 => q = format!("WITH w AS ({q}) SELECT * FROM w ORDER BY 1 LIMIT 3"),
            1 => q = format!("SELECT * FROM ({q}) s, LATERAL (SELECT {}) l", self.expr(2)),
            2 => q = format!("SELECT DISTINCT ON (1) * FROM ({q}) s ORDER BY 1"),
            3 => q = format!("EXPLAIN ANALYZE {q}"),
            _ => {}
        }
        if self.next().is_multiple_of(3) {
            // Damage: drop or duplicate a random token.
            let mut toks: Vec<&str> = q.split(' ').collect();
            let i = (self.next() % toks.len() as u64) as usize;
            if self.next().is_multiple_of(2) {
                toks.remove(i);
            } else {
                let t = toks[i];
                toks.insert(i, t);
            }
            q = toks.join(" ");
        }
        q
    }
}

#[tokio::test]
async fn random_sql_never_drops_the_connection() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE t (a int, b text, c float8, d date);
         INSERT INTO t SELECT x % 50, 'b' || (x % 50)::text, x / 3.0, date '2024-01-01' + x % 50 FROM generate_series(1, 200) x;
         INSERT INTO t VALUES (NULL, NULL, NULL, NULL);
         CREATE INDEX t_a ON t (a);
         CREATE INDEX t_bd ON t (b, d);
         CREATE UNIQUE INDEX t_c ON t (c)",
    )
    .await
    .unwrap();
    c.batch_execute("SET statement_timeout = '2s'")
        .await
        .unwrap();
    // SQL_FUZZ_SEED=n tries another seed (the failing query is printed).
    let seed = std::env::var("SQL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15_u64);
    let mut g = Gen(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut ok, mut errors, mut ran) = (0, 0, 0);
    while ran < 3000 && Instant::now() < deadline {
        let q = g.query();
        ran += 1;
        match c.simple_query(&q).await {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(
                    e.as_db_error().is_some(),
                    "not a PostgreSQL error (connection lost?) on: {q}\n{e}\nlog:\n{}",
                    server.log_text()
                );
                errors += 1;
                if std::env::var("SQL_FUZZ_SHOW").is_ok() && errors < 400 {
                    eprintln!("{q}\n  -> {:?}", e.as_db_error().map(|d| d.message()));
                }
            }
        }
    }
    eprintln!("random SQL: {ran} queries, {ok} answered, {errors} PostgreSQL errors");
    assert!(
        ok > 0 && errors > 0,
        "the generator makes both kinds ({ok} ok, {errors} errors)"
    );
    assert_eq!(
        query_one(&c, "SELECT count(*) FROM t").await.as_deref(),
        Some("201")
    );
}

/// The first column of every row of `sql`, one line each (EXPLAIN's
/// lines).
async fn lines(c: &Client, sql: &str) -> String {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parallel scans (a Gather over a Parallel Seq Scan) return exactly the
/// rows a serial scan returns, in the same order, under every way of
/// running them (workers and leader, workers only, no worker slot free);
/// they see the transaction's own changes and keep its snapshot; an error
/// in a worker is the statement's error; LIMIT, errors and cancels end
/// them without leaking worker slots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_scans_return_the_serial_rows() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE p (a int, k int, c text);
         INSERT INTO p SELECT x, x % 97, 'row ' || x FROM generate_series(1, 200000) x;
         DELETE FROM p WHERE a % 10 = 3;
         SET min_parallel_table_scan_size = 0",
    )
    .await
    .unwrap();
    assert_eq!(
        lines(&c, "EXPLAIN SELECT * FROM p WHERE k < 5").await,
        "Gather\n  Workers Planned: 2\n  ->  Parallel Seq Scan on p\n        Filter: (k < 5)"
    );
    assert_eq!(
        lines(&c, "EXPLAIN SELECT * FROM p").await,
        "Seq Scan on p",
        "every row would cross from a worker to the leader: serial, as in PostgreSQL"
    );
    assert_eq!(
        lines(&c, "EXPLAIN SELECT count(*) FROM p WHERE k < (SELECT 5)").await,
        "Aggregate\n  ->  Seq Scan on p\n        Filter: (k < $0)\n        InitPlan 1 (returns $0)\n          ->  Result",
        "a filter with a subquery stays serial"
    );
    assert_eq!(
        lines(&c, "EXPLAIN SELECT count(*), max(c) FROM p WHERE k < 5").await,
        "Finalize Aggregate\n  ->  Gather\n        Workers Planned: 2\n        ->  Partial Aggregate\n              ->  Parallel Seq Scan on p\n                    Filter: (k < 5)",
        "aggregates without GROUP BY are computed in the workers, as PostgreSQL shows it"
    );
    assert_eq!(
        lines(&c, "EXPLAIN SELECT k, sum(a) FROM p GROUP BY k").await,
        "Finalize HashAggregate\n  Group Key: k\n  ->  Gather\n        Workers Planned: 2\n        ->  Partial HashAggregate\n              Group Key: k\n              ->  Parallel Seq Scan on p",
    );
    assert_eq!(
        lines(&c, "EXPLAIN SELECT string_agg(c, ',') FROM p").await,
        "Aggregate\n  ->  Gather\n        Workers Planned: 2\n        ->  Parallel Seq Scan on p",
        "an order-dependent aggregate runs in the leader"
    );
    let queries = [
        "SELECT * FROM p",
        "SELECT a, c FROM p WHERE k < 5 AND c LIKE '%7'",
        "SELECT count(*) FROM p",
        "SELECT k, count(*), sum(a) FROM p GROUP BY k ORDER BY k",
        "SELECT * FROM p WHERE a > 199000",
        "SELECT * FROM p LIMIT 5",
        "SELECT x.a FROM p x JOIN p y ON x.a = y.a + 1 WHERE x.k = 3",
        "SELECT count(*), sum(a), min(c), max(k), avg(a), bool_and(a > 0), count(c) FROM p WHERE k < 50",
        "SELECT max(a) FILTER (WHERE c LIKE '%5'), min(k) FROM p",
        // More groups than a worker aggregates: the leader's hash
        // aggregate over the gathered rows takes over.
        "SELECT a % 20000, count(*), min(c) FROM p GROUP BY a % 20000 ORDER BY 1",
    ];
    let mut serial = Vec::new();
    c.batch_execute("SET max_parallel_workers_per_gather = 0")
        .await
        .unwrap();
    assert_eq!(lines(&c, "EXPLAIN SELECT * FROM p").await, "Seq Scan on p");
    for q in queries {
        serial.push(digest(&c, q).await);
    }
    assert_eq!(serial[2].1, 1, "one count");
    assert_eq!(serial[0].1, 180_000);
    // A scan starts at most one worker fewer than there are cores.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let two = 2.min(cores.saturating_sub(1).max(1));
    for (setup, launched) in [
        ("RESET max_parallel_workers_per_gather", two),
        ("SET parallel_leader_participation = off", two),
        (
            "RESET parallel_leader_participation; SET max_parallel_workers = 1",
            1,
        ),
        ("SET max_parallel_workers = 0", 0),
    ] {
        c.batch_execute(setup).await.unwrap();
        let analyzed = lines(&c, "EXPLAIN ANALYZE SELECT * FROM p WHERE k = 3").await;
        assert!(
            analyzed.contains(&format!("Workers Launched: {launched}\n")),
            "{setup}: {analyzed}"
        );
        for (q, s) in queries.iter().zip(&serial) {
            assert_eq!(&digest(&c, q).await, s, "{setup}: {q}");
        }
    }
    c.batch_execute("RESET max_parallel_workers").await.unwrap();

    // The transaction's own changes, savepoints rolled back included.
    let count = |sql: &'static str| {
        let c = &c;
        async move { query_one(c, sql).await.unwrap() }
    };
    c.batch_execute(
        "BEGIN;
         INSERT INTO p SELECT x, 1000, 'new' FROM generate_series(1, 1000) x;
         DELETE FROM p WHERE k = 1;
         SAVEPOINT s;
         INSERT INTO p VALUES (-1, 1000, 'gone');
         ROLLBACK TO s",
    )
    .await
    .unwrap();
    assert_eq!(count("SELECT count(*) FROM p WHERE k = 1000").await, "1000");
    assert_eq!(count("SELECT count(*) FROM p WHERE k = 1").await, "0");
    c.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(count("SELECT count(*) FROM p WHERE k = 1000").await, "0");

    // A REPEATABLE READ snapshot holds in the workers too.
    let other = server.connect().await;
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        .await
        .unwrap();
    assert_eq!(count("SELECT count(*) FROM p").await, "180000");
    other
        .batch_execute("INSERT INTO p SELECT x, 5, 'other' FROM generate_series(1, 5000) x")
        .await
        .unwrap();
    assert_eq!(count("SELECT count(*) FROM p").await, "180000");
    c.batch_execute("COMMIT").await.unwrap();
    assert_eq!(count("SELECT count(*) FROM p").await, "185000");

    // An error raised in a worker is the statement's.
    let (code, msg) = query_error(&c, "SELECT * FROM p WHERE 1 / (a - 150000) > 0").await;
    assert_eq!((code.as_str(), msg.as_str()), ("22012", "division by zero"));

    // Cancelled scans and scans ended by LIMIT give their workers back.
    c.batch_execute("SET statement_timeout = '100ms'")
        .await
        .unwrap();
    for _ in 0..3 {
        let (code, _) = query_error(
            &c,
            "SELECT count(*) FROM p WHERE repeat(c, 3000) LIKE '%zz%'",
        )
        .await;
        assert_eq!(code, "57014");
    }
    c.batch_execute("RESET statement_timeout").await.unwrap();
    for _ in 0..30 {
        assert_eq!(
            query_one(&c, "SELECT a FROM p LIMIT 1").await.as_deref(),
            Some("1")
        );
    }
    let analyzed = lines(&c, "EXPLAIN ANALYZE SELECT count(*) FROM p").await;
    assert!(
        analyzed.contains(&format!("Workers Launched: {two}\n")),
        "{analyzed}"
    );
}
