#!/usr/bin/env python3
"""Random joins and subqueries run on actorgres and on PostgreSQL 15, the
answers compared: 1-5 table inner/outer/full joins, derived tables with
GROUP BY / DISTINCT / LIMIT, LATERAL, nested EXISTS / NOT EXISTS / IN /
NOT IN, and UPDATE ... FROM / DELETE ... USING / INSERT ... SELECT
compared by the table's contents (each in a rolled-back transaction).
Five small tables with NULLs (some empty, some indexed) are created in
database postgres on both servers.

    ../shared/tools/refpg start        # PostgreSQL 15 on 55499
    cargo run --release -- start -D /tmp/fz -p 5433 &
    python3 tests/golden/planner/fuzz.py SEED [COUNT] [v]

AG_PORT / PG_PORT change the ports; a third argument prints each query.
Prints each difference (at most 6) and `seed S bad N`; needs psycopg 3.
"""
import os, random, sys, psycopg
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
rnd = random.Random(seed)
def conn(port):
    c = psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True)
    c.execute("SET statement_timeout = '20s'")
    return c
A, B = conn(int(os.environ.get("AG_PORT", 5433))), conn(int(os.environ.get("PG_PORT", 55499)))
setup = []
tables = {}
for t in range(5):
    name = f"f{t}"
    n = rnd.choice([0, 1, 5, 20, 60])
    cols = ["a", "b", "c"]
    setup.append(f"DROP TABLE IF EXISTS {name} CASCADE")
    setup.append(f"CREATE TABLE {name}(a int, b int, c text)")
    rows = []
    for i in range(n):
        a = rnd.choice([None, rnd.randint(0, 8)])
        b = rnd.choice([None, rnd.randint(0, 4), rnd.randint(0, 20)])
        c = rnd.choice([None, "x", "y", "z"])
        rows.append("(%s,%s,%s)" % ("NULL" if a is None else a, "NULL" if b is None else b, "NULL" if c is None else f"'{c}'"))
    if rows:
        setup.append(f"INSERT INTO {name} VALUES " + ",".join(rows))
    if rnd.random() < 0.5:
        setup.append(f"CREATE INDEX ON {name}(a)")
    tables[name] = n
for s in setup:
    for c in (A, B):
        c.execute(s)
def col(aliases):
    return f"{rnd.choice(aliases)}.{rnd.choice(['a','b'])}"
def pred(aliases, outer=None, depth=0):
    k = rnd.random()
    al = aliases + (outer or [])
    if k < 0.35:
        return f"{col(al)} = {col(al)}"
    if k < 0.5:
        return f"{col(al)} {rnd.choice(['<','>','<=','<>'])} {rnd.randint(0,8)}"
    if k < 0.55:
        return f"{col(al)} IS NULL"
    if k < 0.6:
        return f"{rnd.choice(al)}.c = '{rnd.choice('xyz')}'"
    if k < 0.7 and depth < 2:
        return f"({pred(aliases, outer, depth+1)} OR {pred(aliases, outer, depth+1)})"
    if k < 0.85 and depth < 2:
        t = rnd.choice(list(tables)); s = f"s{depth}{rnd.randint(0,99)}"
        inner = pred([s], aliases + (outer or []), depth + 1)
        extra = f" AND {pred([s], None, depth+1)}" if rnd.random() < 0.4 else ""
        kind = rnd.random()
        if kind < 0.4:
            return f"EXISTS (SELECT 1 FROM {t} {s} WHERE {inner}{extra})"
        if kind < 0.7:
            return f"NOT EXISTS (SELECT 1 FROM {t} {s} WHERE {inner}{extra})"
        if kind < 0.85:
            return f"{col(al)} IN (SELECT {s}.{rnd.choice('ab')} FROM {t} {s} WHERE {inner}{extra})"
        return f"{col(al)} NOT IN (SELECT {s}.{rnd.choice('ab')} FROM {t} {s} WHERE {inner}{extra})"
    return f"{col(al)} = {rnd.randint(0,8)}"
def item(i):
    t = rnd.choice(list(tables))
    k = rnd.random()
    if k < 0.15:
        return f"(SELECT a, b, c FROM {t} WHERE {pred(['q'], None, 1).replace('q.', '')}) t{i}"
    if k < 0.22:
        return f"(SELECT a, max(b) AS b, min(c) AS c FROM {t} GROUP BY a) t{i}"
    if k < 0.27:
        return f"(SELECT DISTINCT a, b, c FROM {t}) t{i}"
    if k < 0.32:
        return f"(SELECT a, b, c FROM {t} ORDER BY a, b, c LIMIT 3) t{i}"
    return f"{t} t{i}"
def query():
    n = rnd.randint(1, 5)
    aliases = [f"t{i}" for i in range(n)]
    from_ = item(0)
    for i in range(1, n):
        j = rnd.random()
        t = item(i)
        if j < 0.1 and i == n - 1:
            from_ += f", LATERAL (SELECT x.a, x.b, x.c FROM {rnd.choice(list(tables))} x WHERE x.a = t0.b) t{i}"
            continue
        if j < 0.5:
            from_ += f", {t}"
        else:
            kind = rnd.choice(["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "JOIN"])
            on = pred(aliases[:i+1])
            if kind == "FULL JOIN":
                on = f"{col(aliases[:i])} = t{i}.{rnd.choice('ab')}"
            from_ += f" {kind} {t} ON {on}"
    where = " AND ".join(pred(aliases) for _ in range(rnd.randint(0, 4)))
    sel = rnd.choice(["count(*)", "count(*), sum(t0.a)", ", ".join(f"{a}.a, {a}.b" for a in aliases), "t0.a, count(*)"])
    q = f"SELECT {sel} FROM {from_}" + (f" WHERE {where}" if where else "")
    if sel == "t0.a, count(*)":
        q += " GROUP BY t0.a"
    return q
def dml():
    t = rnd.choice(list(tables)); u = rnd.choice(list(tables))
    k = rnd.random()
    w = pred(["t", "u"])
    if k < 0.4:
        return f"UPDATE {t} t SET b = coalesce(t.b, 0) + 1 FROM {u} u WHERE {w}", t
    if k < 0.7:
        return f"DELETE FROM {t} t USING {u} u WHERE {w}", t
    return f"INSERT INTO {t} SELECT t.a, u.b, t.c FROM {t} t, {u} u WHERE {w}", t
def both(run):
    """`run(connection)` on actorgres and on PostgreSQL: ("ok", ...) or
    ("err", what)."""
    res = []
    for c in (A, B):
        try:
            res.append(("ok",) + run(c))
        except Exception as e:
            res.append(("err", type(e).__name__ + str(e).split("\n")[0][:80]))
    return res
def in_rollback(stmt, t):
    def run(c):
        c.execute("BEGIN")
        try:
            n = c.execute(stmt).rowcount
            return (n, sorted(c.execute(f"SELECT * FROM {t}").fetchall(), key=repr))
        finally:
            c.execute("ROLLBACK")
    return run
def rows_of(q):
    def run(c):
        cur = c.execute(q)
        return (sorted(cur.fetchall(), key=repr) if cur.description else [],)
    return run
bad = 0
for i in range(N):
    if rnd.random() < 0.15:
        q, t = dml()
        res = both(in_rollback(q, t))
    else:
        q = query()
        if len(sys.argv) > 3: print(i, q, flush=True)
        res = both(rows_of(q))
        # Both failing (e.g. a type error either way) is agreement enough.
        if res[0][0] == res[1][0] == "err":
            continue
    if res[0] != res[1]:
        bad += 1
        print("DIFF", q); print("  ours", str(res[0])[:300]); print("  pg  ", str(res[1])[:300])
        if bad > 5: break
print("seed", seed, "bad", bad)
