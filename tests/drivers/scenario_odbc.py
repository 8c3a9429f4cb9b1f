"""The driver scenario through psqlODBC (the PostgreSQL Unicode driver,
driven by pyodbc over unixODBC). Prints one line per step;
tests/drivers.rs compares the lines with PostgreSQL 15's."""
import datetime
import decimal
import sys

import pyodbc

port = sys.argv[1]
conn = pyodbc.connect(
    f"Driver={{PostgreSQL Unicode}};Server=127.0.0.1;Port={port};Database=postgres;Uid=postgres;Pwd=;",
    autocommit=True,
)


def show(v):
    if v is None:
        return "NULL"
    if isinstance(v, (bytes, bytearray)):
        return "\\x" + bytes(v).hex()
    return str(v)


def line(label, row):
    print(label + ": " + "|".join(show(v) for v in row))


def sqlstate(f):
    try:
        f()
        return "ok"
    except pyodbc.Error as e:
        return e.args[0]


cur = conn.cursor()
cur.execute("SET client_min_messages = warning")
cur.execute("DROP TABLE IF EXISTS drv")
cur.execute(
    "CREATE TABLE drv (id int PRIMARY KEY, name text, score numeric(6,2), flag bool, ts timestamp, data bytea)"
)
ins = "INSERT INTO drv VALUES (?, ?, ?, ?, ?, ?)"
cur.execute(ins, 1, "alice", decimal.Decimal("1.5"), True, datetime.datetime(2024, 1, 2, 3, 4, 5), b"\x00\xff")
cur.execute(ins, 2, None, None, None, None, None)
line("select", cur.execute("SELECT * FROM drv WHERE id = ?", 1).fetchone())
line("nulls", cur.execute("SELECT * FROM drv WHERE id = ?", 2).fetchone())

conn.autocommit = False
cur.execute(ins, 3, "carol", 3, False, None, None)
conn.rollback()
line("after rollback", cur.execute("SELECT count(*) FROM drv").fetchone())
conn.rollback()

print("duplicate: " + sqlstate(lambda: cur.execute(ins, 1, "again", None, None, None, None)))
print("in failed transaction: " + sqlstate(lambda: cur.execute("SELECT 1")))
conn.rollback()
conn.autocommit = True

names = []
for i in [1, 2, 1, 2, 1, 2]:
    names.append(show(cur.execute("SELECT name FROM drv WHERE id = ?", i).fetchone()[0]))
print("prepared: " + "|".join(names))

rows = cur.execute("SELECT g, 'row ' || g FROM generate_series(1, 10000) g").fetchall()
print(f"10000 rows: {len(rows)} {sum(r[0] for r in rows)} {rows[-1][1]}")

line(
    "types",
    cur.execute(
        "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, 12.345::numeric(6,3), true, 'text'::text, "
        "'\\x0102'::bytea, '2024-02-29'::date, '12:34:56'::time, '2024-01-02 03:04:05'::timestamp, ?::int4, ?::text",
        42,
        "param",
    ).fetchone(),
)
cur.execute("DROP TABLE drv")
conn.close()
print("done")
