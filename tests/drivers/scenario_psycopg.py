"""The driver scenario through psycopg 3 (server-side parameters, the
extended protocol; binary results on a binary cursor). Prints one line
per step; tests/drivers.rs compares the lines with PostgreSQL 15's."""
import datetime
import decimal
import sys
import uuid

import psycopg

port = sys.argv[1]
conn = psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres")


def show(v):
    if v is None:
        return "NULL"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, float):
        return repr(v)
    return str(v)


def line(label, row):
    print(label + ": " + "|".join(show(v) for v in row))


def sqlstate(f):
    try:
        f()
        return "ok"
    except psycopg.Error as e:
        return e.sqlstate


conn.autocommit = True
conn.execute("DROP TABLE IF EXISTS drv")
conn.execute(
    "CREATE TABLE drv (id int PRIMARY KEY, name text, score numeric(6,2), flag bool, ts timestamp, data bytea)"
)
ins = "INSERT INTO drv VALUES (%s, %s, %s, %s, %s, %s)"
conn.execute(ins, (1, "alice", decimal.Decimal("1.5"), True, datetime.datetime(2024, 1, 2, 3, 4, 5), b"\x00\xff"))
conn.execute(ins, (2, None, None, None, None, None))
line("select", conn.execute("SELECT * FROM drv WHERE id = %s", (1,)).fetchone())
line("nulls", conn.execute("SELECT * FROM drv WHERE id = %s", (2,)).fetchone())

conn.autocommit = False
conn.execute(ins, (3, "carol", 3, False, None, None))
conn.rollback()
line("after rollback", conn.execute("SELECT count(*) FROM drv").fetchone())
conn.rollback()

print("duplicate: " + sqlstate(lambda: conn.execute(ins, (1, "again", None, None, None, None))))
print("in failed transaction: " + sqlstate(lambda: conn.execute("SELECT 1")))
conn.rollback()
conn.autocommit = True

names = []
for i in [1, 2, 1, 2, 1, 2]:
    names.append(conn.execute("SELECT name FROM drv WHERE id = %s", (i,), prepare=True).fetchone()[0])
print("prepared: " + "|".join(show(n) for n in names))

rows = conn.execute("SELECT g, 'row ' || g FROM generate_series(1, 10000) g").fetchall()
print(f"10000 rows: {len(rows)} {sum(r[0] for r in rows)} {rows[-1][1]}")

with conn.cursor(binary=True) as cur:
    cur.execute(
        "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, 12.345::numeric(6,3), true, "
        "'text'::text, 'vc'::varchar(5), '\\x0102'::bytea, '2024-02-29'::date, '12:34:56'::time, "
        "'2024-01-02 03:04:05.123456'::timestamp, '1 day 02:00:00'::interval, "
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, %s::int4, %s::text",
        (42, "param"),
    )
    line("binary", cur.fetchone())
line("text", conn.execute("SELECT 12.345::numeric(6,3), '2024-02-29'::date, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid").fetchone())
conn.execute("DROP TABLE drv")
conn.close()
print("done")
