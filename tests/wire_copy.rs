//! COPY, message by message, against PostgreSQL 15's own answers:
//! text, CSV and binary both ways, the old and new option syntax, every
//! option error, bad data with its CONTEXT line, CopyFail, a message of
//! another kind during COPY, and COPY inside the extended protocol.
//! tests/golden/copy.txt was recorded from PostgreSQL 15:
//!
//!     ../shared/tools/refpg start
//!     UPDATE_GOLDENFILES=1 cargo test --test wire_copy
//!
//! and `GOLDEN_TARGET=refpg cargo test --test wire_copy` checks the file
//! against the reference server.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{check_golden, Msg, Msg::*, RawClient};

/// The exchanges, in order, on one connection.
fn exchanges() -> Vec<Vec<Msg>> {
    vec![
        vec![Q("CREATE TABLE ct (a int, b text, c numeric(5,2) NOT NULL DEFAULT 1.5, d char(4))")],
        // Text: escapes, NULL, the end marker, a column list, defaults.
        vec![
            Q("COPY ct FROM STDIN"),
            Data(b"1\tx\t2.5\tab\n2\t\\N\t3\t\\N\n"),
            Data(b"3\ty\\tz\t4\tq\n\\.\n"),
            Done,
        ],
        vec![Q("COPY ct (a, b) FROM STDIN"), Data(b"4\tdef\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"5\t\\x41\\101\\b\\\\\t1\tab\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"6\tlast line\t1\tx"), Done],
        // Bad data: nothing of the COPY stays.
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t2.5\tab\textra\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t2.5\tab\nzz\tx\t2.5\tab\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t\\N\tab\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t2\tabcdef\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t2\ta\\.b\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"12\tx\t1\tab\r\n13\tx\t1\tab\n"), Done],
        vec![Q("COPY ct FROM STDIN"), Data(b"1\tx\t2\tab\n"), Fail("client gave up")],
        vec![Q("SELECT count(*) FROM ct")],
        // CSV.
        vec![
            Q("COPY ct FROM STDIN (FORMAT csv)"),
            Data(b"7,\"q,\"\"x\"\"\",7.5,a\n8,,8,\n9,\"\",9,\"x\ny\"\n"),
            Done,
        ],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, HEADER)"), Data(b"a,b,c,d\n10,h,1,h\n"), Done],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, HEADER match)"), Data(b"a,b,c,x\n8,h,1,h\n"), Done],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, HEADER match)"), Data(b"a,b,c,d\n11,m,1,m\n"), Done],
        vec![Q("COPY ct FROM STDIN (FORMAT csv)"), Data(b"9,\"unterminated\n"), Done],
        vec![
            Q("COPY ct (a, b) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (b))"),
            Data(b"20,\n"),
            Done,
        ],
        vec![
            Q("COPY ct (a, b) FROM STDIN (FORMAT csv, FORCE_NULL (b))"),
            Data(b"21,\"\"\n"),
            Done,
        ],
        vec![Q("COPY ct FROM STDIN WITH CSV HEADER DELIMITER ';' QUOTE '''' NULL 'NULL'"), Data(b"h\n22;'a;b';NULL;x\n"), Done],
        vec![Q("COPY ct FROM STDIN WITH DELIMITER '|' NULL 'NULL'"), Data(b"23|NULL|3|x\n"), Done],
        vec![Q("COPY ct FROM STDIN WHERE a > 100"), Data(b"101\tkept\t1\tk\n1\tdropped\t1\td\n"), Done],
        // Out.
        vec![Q("COPY ct TO STDOUT")],
        vec![Q("COPY ct (a, b) TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE (b))")],
        vec![Q("COPY (SELECT a, b FROM ct WHERE a < 3 ORDER BY a) TO STDOUT WITH CSV")],
        vec![Q("COPY ct TO STDOUT WITH CSV HEADER FORCE QUOTE *")],
        vec![Q("COPY ct (a, d) TO STDOUT (FORMAT text, HEADER, DELIMITER ',', NULL '-')")],
        vec![Q("COPY (SELECT a, b, c, d FROM ct WHERE a < 4 ORDER BY a) TO STDOUT (FORMAT binary)")],
        vec![Q("COPY (SELECT 1) TO STDIN")],
        vec![Q("COPY (SELECT '\\.' AS x) TO STDOUT (FORMAT csv)")],
        // INSERT / UPDATE / DELETE ... RETURNING copied out.
        vec![Q("COPY (INSERT INTO ct (a, b) VALUES (201, 'r') RETURNING a, b) TO STDOUT")],
        vec![Q("COPY (UPDATE ct SET b = 'u' WHERE a = 201 RETURNING a, b) TO STDOUT (FORMAT csv)")],
        vec![Q("COPY (DELETE FROM ct WHERE a = 201 RETURNING a) TO STDOUT")],
        vec![Q("COPY (DELETE FROM ct WHERE a = 201) TO STDOUT")],
        // Binary in.
        vec![Q("CREATE TABLE cb (a int, b text)")],
        vec![
            Q("COPY cb FROM STDIN (FORMAT binary)"),
            Data(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x04\0\0\0\x07\0\0\0\x03abc\0\x02\xff\xff\xff\xff\0\0\0\0\xff\xff"),
            Done,
        ],
        vec![Q("COPY cb FROM STDIN (FORMAT binary)"), Data(b"NOTCOPY\n\xff\r\n\0"), Done],
        vec![Q("COPY cb FROM STDIN (FORMAT binary)"), Data(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\x04\0\0\0\x07\xff\xff"), Done],
        vec![Q("COPY cb FROM STDIN (FORMAT binary)"), Data(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x03\0\0\0\0\0\0\0\xff\xff"), Done],
        vec![Q("SELECT * FROM cb ORDER BY a")],
        // Option and name errors.
        vec![Q("COPY ct (a, zz) FROM STDIN")],
        vec![Q("COPY ct (a, a) FROM STDIN")],
        vec![Q("COPY nosuch FROM STDIN")],
        vec![Q("COPY ct FROM STDIN (FORMAT xml)")],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, FORMAT text)")],
        vec![Q("COPY ct FROM STDIN (DELIMITER 'ab')")],
        vec![Q("COPY ct TO STDOUT (FORMAT binary, HEADER)")],
        vec![Q("COPY ct TO STDOUT (FORMAT binary, DELIMITER ',')")],
        vec![Q("COPY ct TO STDOUT (FORMAT binary, NULL 'x')")],
        vec![Q("COPY ct TO STDOUT (QUOTE '\"')")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, QUOTE 'ab')")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, DELIMITER ',', QUOTE ',')")],
        vec![Q("COPY ct TO STDOUT (ESCAPE '\"')")],
        vec![Q("COPY ct TO STDOUT (FORCE_QUOTE (a))")],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, FORCE_QUOTE (a))")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, FORCE_NOT_NULL (a))")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, FORCE_NULL (a))")],
        vec![Q("COPY ct TO STDOUT (DELIMITER 'a')")],
        vec![Q("COPY ct TO STDOUT (DELIMITER ',', NULL 'a,b')")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, NULL '\"')")],
        vec![Q("COPY ct TO STDOUT (bogus)")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, FORCE_QUOTE (zz))")],
        vec![Q("COPY ct (a) TO STDOUT (FORMAT csv, FORCE_QUOTE (b))")],
        vec![Q("COPY ct FROM STDIN (FORMAT csv, FORCE_NOT_NULL (zz))")],
        vec![Q("COPY ct TO STDOUT (HEADER match)")],
        vec![Q("COPY ct TO STDOUT (ENCODING 'bogus')")],
        vec![Q("COPY ct TO STDOUT (FORMAT csv, FORCE_QUOTE a)")],
        vec![Q("COPY ct FROM STDIN (HEADER 2)")],
        vec![Q("COPY ct FROM STDIN (FREEZE maybe)")],
        vec![Q("COPY ct TO STDOUT (FORMAT)")],
        vec![Q("COPY ct TO STDOUT WHERE a > 1")],
        vec![Q("COPY ct TO 'relative/path'")],
        vec![Q("COPY ct FROM '/nonexistent/file'")],
        vec![Q("COPY ct FROM STDIN (FREEZE)")],
        // FREEZE after TRUNCATE in the same transaction, as pgbench -i.
        vec![Q("BEGIN; TRUNCATE cb")],
        vec![Q("COPY cb FROM STDIN WITH (FREEZE on)"), Data(b"1\tfrozen\n"), Done],
        vec![Q("COMMIT")],
        vec![Q("SELECT * FROM cb")],
        // In a transaction block, an error fails the block.
        vec![Q("BEGIN")],
        vec![Q("COPY cb FROM STDIN"), Data(b"x\ty\n"), Done],
        vec![Q("SELECT 1")],
        vec![Q("ROLLBACK")],
        // Through the extended protocol: Sync after the data.
        vec![
            P("", "COPY cb FROM STDIN", &[]),
            B("", "", &[], vec![], &[]),
            E("", 0),
            Data(b"2\tviaextended\n"),
            Done,
            S,
        ],
        vec![
            P("", "COPY (SELECT a, b FROM cb ORDER BY a) TO STDOUT", &[]),
            B("", "", &[], vec![], &[]),
            Dp(""),
            E("", 0),
            S,
        ],
        // A message of another kind during COPY ends the connection
        // after a simple Query.
        vec![Q("COPY cb FROM STDIN"), Data(b"3\tz\n"), Q("SELECT 1")],
    ]
}

/// Runs the exchanges in a fresh database `golden_copy`.
fn transcript(port: u16) -> String {
    let mut c = RawClient::fresh_database(port, "golden_copy");
    let blocks: Vec<String> = exchanges().iter().map(|ex| c.exchange(ex)).collect();
    blocks.join("\n\n") + "\n"
}

#[test]
fn copy_matches_postgres() {
    check_golden("tests/golden/copy.txt", transcript);
}
