//! The extended query protocol and COPY through tokio-postgres, which
//! speaks nothing else for `query`: typed parameters, binary results of
//! every type it decodes, pipelines, portals with row limits, prepared
//! statements reused across DDL, errors that leave the session usable,
//! COPY in text and binary both ways, and what a client that leaves in
//! the middle of a COPY leaves behind (nothing).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use common::{RawClient, Server};
use futures::{SinkExt, TryStreamExt};
use tokio_postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutStream};
use tokio_postgres::types::{ToSql, Type};

fn code(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {e}"))
        .code()
        .code()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_parameters_and_binary_results_round_trip() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute(
        "CREATE TABLE v (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, b bool, t text, \
         vc varchar(10), by bytea, ts timestamp, tz timestamptz, ip inet, o oid)",
    )
    .await
    .unwrap();
    let ts = SystemTime::UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
    let ip: IpAddr = "10.1.2.3".parse().unwrap();
    let insert = c
        .prepare("INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .await
        .unwrap();
    assert_eq!(
        insert.params(),
        [
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::BOOL,
            Type::TEXT,
            Type::VARCHAR,
            Type::BYTEA,
            Type::TIMESTAMP,
            Type::TIMESTAMPTZ,
            Type::INET,
            Type::OID
        ]
    );
    let big = 1i32 << 30;
    let values: [&(dyn ToSql + Sync); 13] = [
        &-7i16,
        &big,
        &-(1i64 << 40),
        &1.5f32,
        &-2.25f64,
        &true,
        &"héllo",
        &"short",
        &vec![0u8, 1, 255],
        &ts,
        &ts,
        &ip,
        &4_000_000_000u32,
    ];
    assert_eq!(c.execute(&insert, &values).await.unwrap(), 1);
    let nulls: [&(dyn ToSql + Sync); 13] = [
        &None::<i16>,
        &None::<i32>,
        &None::<i64>,
        &None::<f32>,
        &None::<f64>,
        &None::<bool>,
        &None::<&str>,
        &None::<&str>,
        &None::<Vec<u8>>,
        &None::<SystemTime>,
        &None::<SystemTime>,
        &None::<IpAddr>,
        &None::<u32>,
    ];
    assert_eq!(c.execute(&insert, &nulls).await.unwrap(), 1);
    let rows = c
        .query("SELECT * FROM v WHERE i4 = $1", &[&(1i32 << 30)])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.get::<_, i16>(0), -7);
    assert_eq!(r.get::<_, i32>(1), 1 << 30);
    assert_eq!(r.get::<_, i64>(2), -(1 << 40));
    assert_eq!(r.get::<_, f32>(3), 1.5);
    assert_eq!(r.get::<_, f64>(4), -2.25);
    assert!(r.get::<_, bool>(5));
    assert_eq!(r.get::<_, &str>(6), "héllo");
    assert_eq!(r.get::<_, &str>(7), "short");
    assert_eq!(r.get::<_, Vec<u8>>(8), [0, 1, 255]);
    assert_eq!(r.get::<_, SystemTime>(9), ts);
    assert_eq!(r.get::<_, SystemTime>(10), ts);
    assert_eq!(r.get::<_, IpAddr>(11), ip);
    assert_eq!(r.get::<_, u32>(12), 4_000_000_000);
    let r = c
        .query_one("SELECT * FROM v WHERE i4 IS NULL", &[])
        .await
        .unwrap();
    assert_eq!(r.get::<_, Option<i32>>(1), None);
    assert_eq!(r.get::<_, Option<String>>(6), None);
    // A value too long for varchar(10) is the server's 22001.
    let e = c
        .execute(&insert, &{
            let mut v = values;
            v[7] = &"far too long";
            v
        })
        .await
        .unwrap_err();
    assert_eq!(code(&e), "22001");
    // Numeric and interval come back in binary; decoded here as text.
    let r = c
        .query_one(
            "SELECT ($1::text::numeric * 2)::text, (interval '1 day' * $2)::text",
            &[&"1.25", &3.0f64],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, &str>(0), "2.50");
    assert_eq!(r.get::<_, &str>(1), "3 days");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameter_types_are_inferred_from_context() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute("CREATE TABLE t (a int PRIMARY KEY, b text, c numeric(6,2))")
        .await
        .unwrap();
    for (sql, params, columns) in [
        (
            "SELECT b FROM t WHERE a = $1",
            vec![Type::INT4],
            vec![Type::TEXT],
        ),
        ("SELECT $1", vec![Type::TEXT], vec![Type::TEXT]),
        ("SELECT $1::int8 + 1", vec![Type::INT8], vec![Type::INT8]),
        (
            "SELECT a FROM t WHERE b = $1 AND c > $2",
            vec![Type::TEXT, Type::NUMERIC],
            vec![Type::INT4],
        ),
        (
            "UPDATE t SET c = c + $1 WHERE a = $2 RETURNING c",
            vec![Type::NUMERIC, Type::INT4],
            vec![Type::NUMERIC],
        ),
        ("DELETE FROM t WHERE a = $1", vec![Type::INT4], vec![]),
        ("SELECT abs($1)", vec![Type::FLOAT8], vec![Type::FLOAT8]),
        (
            "SELECT now() - $1",
            vec![Type::TIMESTAMPTZ],
            vec![Type::INTERVAL],
        ),
    ] {
        let s = c.prepare(sql).await.unwrap();
        assert_eq!(s.params(), params, "{sql}");
        let got: Vec<Type> = s.columns().iter().map(|c| c.type_().clone()).collect();
        assert_eq!(got, columns, "{sql}");
    }
    let e = c.prepare("SELECT 1 WHERE $1 IS NULL").await.unwrap_err();
    assert_eq!(code(&e), "42P18");
    let e = c.prepare("SELECT 1; SELECT 2").await.unwrap_err();
    assert_eq!(code(&e), "42601");
    // The client may fix a type the context would not give.
    let s = c.prepare_typed("SELECT $1", &[Type::INT8]).await.unwrap();
    assert_eq!(s.params(), [Type::INT8]);
    assert_eq!(c.query_one(&s, &[&5i64]).await.unwrap().get::<_, i64>(0), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_queries_answer_in_order_and_errors_roll_back_their_pipeline() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute("CREATE TABLE p (a int PRIMARY KEY)")
        .await
        .unwrap();
    let s = c.prepare("SELECT $1::int * 10").await.unwrap();
    // tokio-postgres writes all of these before reading any answer.
    let args: Vec<i32> = (0..50).collect();
    let params: Vec<[&(dyn ToSql + Sync); 1]> =
        args.iter().map(|i| [i as &(dyn ToSql + Sync)]).collect();
    let futures: Vec<_> = params.iter().map(|p| c.query_one(&s, p)).collect();
    let results = futures::future::join_all(futures).await;
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r.unwrap().get::<_, i32>(0), i as i32 * 10);
    }
    // A failing statement in the middle: the ones before committed, the
    // session goes on.
    let ins = c.prepare("INSERT INTO p VALUES ($1)").await.unwrap();
    let (a, b, d) = futures::join!(
        c.execute(&ins, &[&1i32]),
        c.execute(&ins, &[&1i32]),
        c.execute(&ins, &[&2i32])
    );
    assert_eq!(a.unwrap(), 1);
    assert_eq!(code(&b.unwrap_err()), "23505");
    assert_eq!(d.unwrap(), 1);
    let n: i64 = c
        .query_one("SELECT count(*) FROM p", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portals_return_rows_a_few_at_a_time() {
    let server = Server::start(&[]);
    let mut c = server.connect().await;
    c.batch_execute("CREATE TABLE r AS SELECT g AS n FROM generate_series(1, 10000) g")
        .await
        .unwrap();
    let tx = c.transaction().await.unwrap();
    let s = tx
        .prepare("SELECT n FROM r WHERE n > $1 ORDER BY n")
        .await
        .unwrap();
    let portal = tx.bind(&s, &[&9990i32]).await.unwrap();
    let mut seen = Vec::new();
    loop {
        let rows = tx.query_portal(&portal, 3).await.unwrap();
        if rows.is_empty() {
            break;
        }
        assert!(rows.len() <= 3);
        seen.extend(rows.iter().map(|r| r.get::<_, i32>(0)));
    }
    assert_eq!(seen, (9991..=10000).collect::<Vec<_>>());
    // Two portals of one statement, interleaved.
    let p1 = tx.bind(&s, &[&0i32]).await.unwrap();
    let p2 = tx.bind(&s, &[&5000i32]).await.unwrap();
    let a = tx.query_portal(&p1, 2).await.unwrap();
    let b = tx.query_portal(&p2, 2).await.unwrap();
    let a2 = tx.query_portal(&p1, 2).await.unwrap();
    assert_eq!(
        [
            a[0].get::<_, i32>(0),
            a[1].get(0),
            b[0].get(0),
            a2[0].get(0)
        ],
        [1, 2, 5001, 3]
    );
    tx.commit().await.unwrap();
    // 10,000 rows through one Execute.
    let all = c.query("SELECT n FROM r ORDER BY n", &[]).await.unwrap();
    assert_eq!(all.len(), 10_000);
    assert_eq!(all[9_999].get::<_, i32>(0), 10_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statements_survive_errors_and_replan_after_ddl() {
    let server = Server::start(&[]);
    let mut c = server.connect().await;
    c.batch_execute("CREATE TABLE d (a int PRIMARY KEY, b text)")
        .await
        .unwrap();
    let ins = c.prepare("INSERT INTO d VALUES ($1, $2)").await.unwrap();
    let sel = c.prepare("SELECT b FROM d WHERE a = $1").await.unwrap();
    let star = c.prepare("SELECT * FROM d WHERE a = $1").await.unwrap();
    for i in 0..5i32 {
        c.execute(&ins, &[&i, &format!("v{i}")]).await.unwrap();
    }
    // 23505, then 25P02 until ROLLBACK; the statements still work.
    let tx = c.transaction().await.unwrap();
    let e = tx.execute(&ins, &[&1i32, &"dup"]).await.unwrap_err();
    assert_eq!(code(&e), "23505");
    let e = tx.query(&sel, &[&1i32]).await.unwrap_err();
    assert_eq!(code(&e), "25P02");
    tx.rollback().await.unwrap();
    let b: String = c.query_one(&sel, &[&3i32]).await.unwrap().get(0);
    assert_eq!(b, "v3");
    // DDL: an index changes the plan, a column changes SELECT *'s shape.
    c.batch_execute("CREATE INDEX d_b ON d (b)").await.unwrap();
    let b: String = c.query_one(&sel, &[&4i32]).await.unwrap().get(0);
    assert_eq!(b, "v4");
    c.batch_execute("ALTER TABLE d ADD COLUMN c int")
        .await
        .unwrap();
    let b: String = c.query_one(&sel, &[&2i32]).await.unwrap().get(0);
    assert_eq!(b, "v2");
    let e = c.query(&star, &[&2i32]).await.unwrap_err();
    assert_eq!(code(&e), "0A000");
    assert_eq!(
        e.as_db_error().unwrap().message(),
        "cached plan must not change result type"
    );
    // SQL PREPARE shares the table; pg_prepared_statements lists it.
    c.batch_execute("PREPARE q (int) AS SELECT b FROM d WHERE a = $1")
        .await
        .unwrap();
    let rows = c
        .simple_query("EXECUTE q(1)")
        .await
        .unwrap()
        .into_iter()
        .filter(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_)))
        .count();
    assert_eq!(rows, 1);
    let listed = c
        .query_one(
            "SELECT count(*) FILTER (WHERE from_sql), count(*) FILTER (WHERE NOT from_sql), \
             max(generic_plans) FILTER (WHERE name = 'q')::int8 \
             FROM pg_prepared_statements",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(listed.get::<_, i64>(0), 1);
    assert!(listed.get::<_, i64>(1) >= 3);
    assert_eq!(listed.get::<_, i64>(2), 1);
    // The tree shows the Backend's statement table.
    let tree = server.http_get("/tree").1;
    let v: serde_json::Value = serde_json::from_str(&tree).unwrap();
    let pm = &v["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "Postmaster")
        .map_or(&v, |n| n)["children"];
    let backends: Vec<&serde_json::Value> = pm
        .as_array()
        .into_iter()
        .flatten()
        .chain(v["children"].as_array().into_iter().flatten())
        .filter(|n| n["kind"] == "Backend")
        .collect();
    assert!(
        backends.iter().any(
            |b| b["local_memory"]["prepared_statements"].as_u64() >= Some(4)
                && b["local_memory"]["prepared_statement_bytes"].as_u64() > Some(0)
        ),
        "{tree}"
    );
    c.batch_execute("DEALLOCATE ALL").await.unwrap();
    let e = c.simple_query("EXECUTE q(1)").await.unwrap_err();
    assert_eq!(code(&e), "26000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_in_and_out_in_text_and_binary() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute("CREATE TABLE cp (a int, b text, c float8)")
        .await
        .unwrap();
    // Text: 100,000 rows in 1,000-row chunks.
    let sink = c.copy_in("COPY cp FROM STDIN").await.unwrap();
    futures::pin_mut!(sink);
    for chunk in 0..100 {
        let mut data = String::new();
        for i in chunk * 1000..(chunk + 1) * 1000 {
            data.push_str(&format!("{i}\trow {i}\t{}.5\n", i % 7));
        }
        sink.send(Bytes::from(data)).await.unwrap();
    }
    assert_eq!(sink.finish().await.unwrap(), 100_000);
    let r = c
        .query_one("SELECT count(*), sum(a), max(b) FROM cp", &[])
        .await
        .unwrap();
    assert_eq!(r.get::<_, i64>(0), 100_000);
    assert_eq!(r.get::<_, i64>(1), 4_999_950_000);
    // Out, as text.
    let out = c
        .copy_out("COPY (SELECT a, b FROM cp WHERE a < 3 ORDER BY a) TO STDOUT")
        .await
        .unwrap();
    let chunks: Vec<Bytes> = out.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), b"0\trow 0\n1\trow 1\n2\trow 2\n");
    // Binary both ways through tokio-postgres's own codec.
    c.batch_execute("CREATE TABLE cb (a int, b text, c float8)")
        .await
        .unwrap();
    let sink = c
        .copy_in("COPY cb FROM STDIN (FORMAT binary)")
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &[Type::INT4, Type::TEXT, Type::FLOAT8]);
    futures::pin_mut!(writer);
    for i in 0..1000i32 {
        let b = (i % 2 == 0).then(|| format!("b{i}"));
        writer
            .as_mut()
            .write(&[&i, &b, &(f64::from(i) / 4.0)])
            .await
            .unwrap();
    }
    assert_eq!(writer.finish().await.unwrap(), 1000);
    let stream = c
        .copy_out("COPY (SELECT a, b, c FROM cb ORDER BY a) TO STDOUT (FORMAT binary)")
        .await
        .unwrap();
    let rows = BinaryCopyOutStream::new(stream, &[Type::INT4, Type::TEXT, Type::FLOAT8]);
    let rows: Vec<_> = rows.try_collect().await.unwrap();
    assert_eq!(rows.len(), 1000);
    assert_eq!(rows[3].get::<i32>(0), 3);
    assert_eq!(rows[3].get::<Option<&str>>(1), None);
    assert_eq!(rows[4].get::<Option<&str>>(1), Some("b4"));
    assert_eq!(rows[5].get::<f64>(2), 1.25);
    // A bad row: nothing of that COPY stays, with PostgreSQL's CONTEXT.
    let sink = c.copy_in("COPY cp FROM STDIN").await.unwrap();
    futures::pin_mut!(sink);
    sink.send(Bytes::from_static(b"1\tok\t1\n2\tbad\tx\n"))
        .await
        .unwrap();
    let e = sink.finish().await.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code().code(), "22P02");
    assert_eq!(db.where_(), Some("COPY cp, line 2, column c: \"x\""));
    let n: i64 = c
        .query_one("SELECT count(*) FROM cp", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 100_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_leaving_in_the_middle_of_copy_leaves_nothing() {
    let server = Server::start(&[]);
    let c = server.connect().await;
    c.batch_execute("CREATE TABLE gone (a int)").await.unwrap();
    {
        let (mut raw, _) = RawClient::startup(server.port, "postgres");
        let mut out = bytes::BytesMut::new();
        postgres_protocol::message::frontend::query("COPY gone FROM STDIN", &mut out).unwrap();
        raw.send(&out);
        assert!(raw.next().unwrap().starts_with("CopyInResponse"));
        let mut out = bytes::BytesMut::new();
        let rows: String = (0..5000).map(|i| format!("{i}\n")).collect();
        postgres_protocol::message::frontend::CopyData::new(rows.as_bytes())
            .unwrap()
            .write(&mut out);
        raw.send(&out);
        // Dropped here: the socket closes without CopyDone.
    }
    // The COPY's transaction rolled back; the table takes new rows.
    let mut n = -1;
    for _ in 0..100 {
        n = c
            .query_one("SELECT count(*) FROM gone", &[])
            .await
            .unwrap()
            .get::<_, i64>(0);
        c.execute("INSERT INTO gone VALUES (1)", &[]).await.unwrap();
        c.execute("DELETE FROM gone", &[]).await.unwrap();
        if n == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(n, 0);
    // A cancel ends a COPY whose client went quiet.
    let sink = c.copy_in::<_, Bytes>("COPY gone FROM STDIN").await.unwrap();
    futures::pin_mut!(sink);
    sink.send(Bytes::from_static(b"1\n")).await.unwrap();
    sink.as_mut().flush().await.unwrap();
    let token = c.cancel_token();
    token.cancel_query(tokio_postgres::NoTls).await.unwrap();
    // The cancel ends the COPY while it waits for more data; CopyDone
    // then finds its error.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let e = sink.finish().await.unwrap_err();
    assert_eq!(code(&e), "57014");
    let n: i64 = c
        .query_one("SELECT count(*) FROM gone", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}
