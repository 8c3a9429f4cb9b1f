//! The extended query protocol, message by message, against PostgreSQL
//! 15's own answers.
//!
//! Each exchange below sends a run of Parse / Bind / Describe / Execute /
//! Close / Sync messages in one write (as drivers pipeline them) and
//! renders every answer up to ReadyForQuery. tests/golden/extended.txt
//! was recorded from PostgreSQL 15:
//!
//!     ../shared/tools/refpg start
//!     UPDATE_GOLDENFILES=1 cargo test --test wire_extended
//!
//! and `GOLDEN_TARGET=refpg cargo test --test wire_extended` checks the
//! file against the reference server instead of actorgres. Every error
//! path of the protocol is here: wrong parameter counts (08P01), binary
//! values of the wrong length (22P03, 08P01), bad text (22P02, 22021),
//! unknown statements and portals (26000, 34000), duplicates (42P05),
//! bad format codes (22023), failed transactions (25P02).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{check_golden, t, Msg::*, RawClient};

/// The exchanges, in order, on one connection.
fn exchanges() -> Vec<Vec<common::Msg>> {
    vec![
        vec![Q("CREATE TABLE pt (a int PRIMARY KEY, b text, c numeric(6,2), d varchar(10))")],
        vec![Q("INSERT INTO pt SELECT g, 'x' || g, g * 1.5, 'v' || g FROM generate_series(1, 5) g")],
        // Types inferred from context, described.
        vec![P("s1", "SELECT a, b, c, d FROM pt WHERE a = $1", &[]), Ds("s1"), S],
        vec![P("", "SELECT $1", &[]), Ds(""), S],
        vec![P("", "SELECT $1::int4, $2::text", &[]), Ds(""), S],
        vec![P("", "SELECT a FROM pt WHERE b = $1 AND c > $2", &[]), Ds(""), S],
        vec![P("", "INSERT INTO pt VALUES ($1, $2, $3, $4)", &[]), Ds(""), S],
        vec![P("", "UPDATE pt SET c = c + $1 WHERE a = $2 RETURNING a, c", &[]), Ds(""), S],
        vec![P("", "SELECT $1 = 5, coalesce($2, 3), abs($3), $4 || 'x', now() - $5", &[]), Ds(""), S],
        vec![P("", "SELECT 1 WHERE $1 IS NULL", &[]), S],
        vec![P("", "SELECT $2", &[]), S],
        vec![P("", "SELECT $1", &[20]), Ds(""), S],
        vec![P("", "SELECT 1; SELECT 2", &[]), S],
        vec![P("", "SELECT x FROM nosuch", &[]), S],
        vec![P("", "SHOW work_mem", &[]), Ds(""), B("", "", &[], vec![], &[]), E("", 0), S],
        vec![P("", "", &[]), B("", "", &[], vec![], &[]), Dp(""), E("", 0), S],
        // Running them.
        vec![B("", "s1", &[], t(&["2"]), &[]), Dp(""), E("", 0), S],
        vec![B("", "s1", &[], vec![None], &[]), E("", 0), S],
        vec![
            P("", "INSERT INTO pt VALUES ($1, $2, $3, $4)", &[]),
            B("", "", &[], t(&["10", "ten", "10.5", "vten"]), &[]),
            E("", 0),
            B("", "", &[], t(&["11", "eleven", "11.5", "veleven"]), &[]),
            E("", 0),
            S,
        ],
        vec![Q("SELECT * FROM pt WHERE a >= 10 ORDER BY a")],
        // Binary parameters and results.
        vec![
            P("", "SELECT $1::int4, $2::int8, $3::text, $4::float8, $5::bool", &[23, 20, 25, 701, 16]),
            B(
                "",
                "",
                &[1],
                vec![
                    Some(&[0, 0, 0, 7][..]),
                    Some(&[0, 0, 0, 0, 0, 0, 0, 9][..]),
                    Some(&b"bin"[..]),
                    Some(&[0x3f, 0xf8, 0, 0, 0, 0, 0, 0][..]),
                    Some(&[1][..]),
                ],
                &[1],
            ),
            Dp(""),
            E("", 0),
            S,
        ],
        vec![
            P(
                "",
                "SELECT 12345.678::numeric, -0.5::numeric, 0::numeric, 'NaN'::numeric, 1e-10::numeric, '2024-01-02'::date, '12:34:56'::time, '2024-01-02 03:04:05'::timestamp, '1 day 2 hours'::interval, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '\\x0102'::bytea",
                &[],
            ),
            B("", "", &[], vec![], &[1]),
            E("", 0),
            S,
        ],
        vec![
            P("", "SELECT a, b FROM pt WHERE a < $1 ORDER BY a", &[]),
            B("", "", &[0], t(&["4"]), &[1, 0]),
            Dp(""),
            E("", 0),
            S,
        ],
        vec![P("", "SELECT $1::numeric", &[]), B("", "", &[1], vec![Some(&[0, 2, 0, 0, 0, 0, 0, 2, 0, 1, 0, 2][..])], &[]), E("", 0), S],
        // Row limits: PortalSuspended, then the rest.
        vec![
            P("", "SELECT a, b FROM pt ORDER BY a", &[]),
            B("p1", "", &[], vec![], &[]),
            E("p1", 2),
            E("p1", 2),
            E("p1", 2),
            E("p1", 2),
            E("p1", 2),
            S,
        ],
        vec![
            P("", "SELECT a FROM pt WHERE a <= 4 ORDER BY a", &[]),
            B("p1", "", &[], vec![], &[]),
            E("p1", 2),
            E("p1", 2),
            E("p1", 2),
            S,
        ],
        vec![
            P("", "INSERT INTO pt VALUES (20, 'y'), (21, 'z') RETURNING a", &[]),
            B("p1", "", &[], vec![], &[]),
            E("p1", 1),
            E("p1", 1),
            E("p1", 1),
            S,
        ],
        vec![P("", "DELETE FROM pt WHERE a = 20", &[]), B("p1", "", &[], vec![], &[]), E("p1", 0), E("p1", 0), S],
        // Named portals in a transaction block, closed explicitly.
        vec![Q("BEGIN")],
        vec![
            P("s2", "SELECT a FROM pt WHERE a > $1 ORDER BY a", &[]),
            B("c1", "s2", &[], t(&["3"]), &[]),
            B("c2", "s2", &[], t(&["9"]), &[]),
            E("c1", 1),
            E("c2", 1),
            S,
        ],
        vec![E("c1", 1), E("c2", 0), Cp("c1"), E("c1", 1), S],
        vec![Q("COMMIT")],
        vec![E("c2", 0), S],
        // Errors.
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[1], vec![Some(&[0, 0, 0, 1, 0][..])], &[]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[1], vec![Some(&[0, 0, 1][..])], &[]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[], t(&["abc"]), &[]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[], t(&["1", "2"]), &[]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[0, 0], t(&["1"]), &[]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[], t(&["1"]), &[0, 0]), E("", 0), S],
        vec![P("", "SELECT $1::int4", &[]), B("", "", &[], t(&["1"]), &[3]), E("", 0), S],
        vec![P("", "SELECT $1::text", &[]), B("", "", &[1], vec![Some(&[0xff, 0xfe][..])], &[]), E("", 0), S],
        vec![P("", "SELECT $1::text", &[]), B("", "", &[0], vec![Some(&[0xff, 0xfe][..])], &[]), E("", 0), S],
        vec![P("named", "SELECT $1::int4", &[]), B("p9", "named", &[], t(&["x"]), &[]), S],
        vec![P("dup", "SELECT 1", &[]), P("dup", "SELECT 2", &[]), S],
        vec![B("", "nosuch", &[], vec![], &[]), S],
        vec![E("nope", 0), S],
        vec![Ds("nosuch"), S],
        vec![Dp("nosuch"), S],
        vec![Cs("nosuch"), Cp("nosuch"), S],
        // An error skips everything to Sync; the implicit transaction of
        // the pipeline rolls back as a whole.
        vec![
            P("", "INSERT INTO pt VALUES (30, 'kept?')", &[]),
            B("", "", &[], vec![], &[]),
            E("", 0),
            P("", "SELECT 1/0", &[]),
            B("", "", &[], vec![], &[]),
            E("", 0),
            P("", "SELECT 'skipped'", &[]),
            B("", "", &[], vec![], &[]),
            E("", 0),
            S,
        ],
        vec![Q("SELECT count(*) FROM pt WHERE a = 30")],
        // In a block: 25P02 until ROLLBACK, which still runs.
        vec![P("", "BEGIN", &[]), B("", "", &[], vec![], &[]), E("", 0), P("", "SELECT 1/0", &[]), B("", "", &[], vec![], &[]), E("", 0), S],
        vec![P("", "SELECT 1", &[]), B("", "", &[], vec![], &[]), E("", 0), S],
        vec![P("", "ROLLBACK", &[]), B("", "", &[], vec![], &[]), E("", 0), S],
        // A prepared statement survives; closed, it is gone.
        vec![B("", "s1", &[], t(&["3"]), &[]), E("", 0), Cs("s1"), B("", "s1", &[], t(&["3"]), &[]), S],
        // DDL changes the table under a cached plan: replanned, or 0A000
        // when the row changes shape.
        vec![P("s3", "SELECT * FROM pt WHERE a = $1", &[]), B("", "s3", &[], t(&["1"]), &[]), E("", 0), S],
        vec![Q("ALTER TABLE pt ADD COLUMN e int")],
        vec![B("", "s3", &[], t(&["1"]), &[]), E("", 0), S],
        vec![P("s4", "SELECT a, b FROM pt WHERE a = $1", &[]), S],
        vec![Q("CREATE INDEX pt_b ON pt (b)")],
        vec![B("", "s4", &[], t(&["2"]), &[]), E("", 0), S],
        vec![Q("DROP TABLE pt")],
        vec![B("", "s4", &[], t(&["2"]), &[]), E("", 0), S],
    ]
}

/// Runs the exchanges in a fresh database `golden_extended`.
fn transcript(port: u16) -> String {
    let mut c = RawClient::fresh_database(port, "golden_extended");
    let blocks: Vec<String> = exchanges().iter().map(|ex| c.exchange(ex)).collect();
    blocks.join("\n\n") + "\n"
}

#[test]
fn extended_protocol_matches_postgres() {
    check_golden("tests/golden/extended.txt", transcript);
}
