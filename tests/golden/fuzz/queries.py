#!/usr/bin/env python3
"""Random SELECTs with aggregates (FILTER, DISTINCT, ordered-set),
GROUP BY / ROLLUP / CUBE / HAVING, window functions and frames,
DISTINCT [ON], set operations, CTEs, LATERAL and correlated subqueries
over two small tables with NULLs, on actorgres (AG_PORT, default 5433)
and PostgreSQL 15 (PG_PORT, default 55499); rows compared as sorted text,
errors by SQLSTATE. Not part of `cargo test`:

    python3 tests/golden/fuzz/queries.py SEED [COUNT] [v]

Prints each difference (at most 10) and `seed S bad N/COUNT`; the tables
q1, q2 are created in database postgres on both servers."""
import common
seed, N, verbose, rnd = common.args(300)
A, B = common.servers("10s")
setup = []
for t in ("q1", "q2"):
    setup.append(f"DROP TABLE IF EXISTS {t} CASCADE")
    setup.append(f"CREATE TABLE {t}(a int, b int, c text, d numeric, e float8, f date, g bool)")
    rows = []
    for i in range(rnd.choice([0, 3, 8, 25])):
        a = rnd.choice(["NULL", str(rnd.randint(0, 4))])
        b = rnd.choice(["NULL", str(rnd.randint(-3, 10))])
        c = rnd.choice(["NULL", "'x'", "'y'", "'zz'", "''", "'Ab'"])
        d = rnd.choice(["NULL", "1.5", "-2.25", "0", "10", "3.333"])
        e = rnd.choice(["NULL", "0.5", "-1", "2.75", "'NaN'", "100"])
        f = rnd.choice(["NULL", "'2024-01-01'", "'2023-06-15'", "'2024-02-29'"])
        g = rnd.choice(["NULL", "true", "false"])
        rows.append(f"({a},{b},{c},{d},{e},{f},{g})")
    if rows:
        setup.append(f"INSERT INTO {t} VALUES " + ",".join(rows))
for s in setup:
    A.execute(s)
    B.execute(s)

COLS = {"a": "int", "b": "int", "c": "text", "d": "numeric", "e": "float8", "f": "date", "g": "bool"}
NUMC = ["a", "b", "d", "e"]

def col(ty=None):
    if ty == "num":
        return rnd.choice(NUMC)
    return rnd.choice(list(COLS))

def scalar():
    ch = rnd.randrange(8)
    if ch == 0:
        return f"({col('num')} + {col('num')})"
    if ch == 1:
        return f"coalesce({col('num')}, 0)"
    if ch == 2:
        return f"upper(c)"
    if ch == 3:
        return f"(a % 2)"
    if ch == 4:
        return f"CASE WHEN b > 2 THEN 'big' ELSE 'small' END"
    return col()

def pred():
    ch = rnd.randrange(7)
    if ch == 0:
        return f"{col('num')} > {rnd.randint(-1, 4)}"
    if ch == 1:
        return f"{col()} IS {rnd.choice(['', 'NOT '])}NULL"
    if ch == 2:
        return f"c {rnd.choice(['=', '<>', '<'])} '{rnd.choice(['x', 'y', 'zz'])}'"
    if ch == 3:
        return f"a IN (SELECT a FROM q2 WHERE q2.b {rnd.choice(['>', '<', '='])} {rnd.randint(0, 5)})"
    if ch == 4:
        return f"EXISTS (SELECT 1 FROM q2 WHERE q2.a = q1.a)"
    if ch == 5:
        return f"g"
    return f"{pred()} {rnd.choice(['AND', 'OR'])} {pred()}"

def agg():
    x = col("num")
    return rnd.choice([
        "count(*)", f"count({col()})", f"count(DISTINCT {col()})", f"sum({x})", f"avg({x})",
        f"min({col()})", f"max({col()})", "string_agg(c, ',' ORDER BY c)", f"array_agg({x} ORDER BY {x})",
        "bool_and(g)", "bool_or(g)", f"stddev({x})", f"variance({x})", f"sum(DISTINCT {x})",
        f"max({x}) - min({x})", f"count(*) FILTER (WHERE {pred()})", "every(b > 0)",
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {x})", f"mode() WITHIN GROUP (ORDER BY {col()})",
        "json_agg(a ORDER BY a)", f"avg(DISTINCT {x})", "bit_or(a)", "stddev_pop(e)", "var_samp(d)",
    ])

def window():
    part = rnd.choice(["", f"PARTITION BY {col()} "])
    order = rnd.choice(["", f"ORDER BY {col()}, a, b, c, d, e, f, g "])
    frame = ""
    if order and rnd.random() < 0.4:
        frame = rnd.choice(["ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING", "ROWS UNBOUNDED PRECEDING",
                            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "GROUPS 1 PRECEDING"])
    over = f"OVER ({part}{order}{frame})"
    x = col("num")
    f = rnd.choice(["row_number()", "rank()", "dense_rank()", f"sum({x})", f"avg({x})", "count(*)",
                    f"lag({x})", f"lead({x}, 2)", f"first_value({x})", f"last_value({x})", "ntile(3)",
                    "percent_rank()", "cume_dist()", f"min({col()})", f"nth_value({x}, 2)"])
    if f in ("row_number()", "ntile(3)", "lag(" + x + ")", f"lead({x}, 2)", f"first_value({x})", f"last_value({x})", f"nth_value({x}, 2)") and not order:
        over = f"OVER ({part}ORDER BY a, b, c, d, e, f, g)"
    return f"{f} {over}"

def query():
    kind = rnd.randrange(12)
    where = f" WHERE {pred()}" if rnd.random() < 0.5 else ""
    if kind == 0:
        g = rnd.sample(["a", "c", "g", "(a % 2)", "f"], rnd.randint(1, 2))
        aggs = [agg() for _ in range(rnd.randint(1, 3))]
        having = f" HAVING {rnd.choice(['count(*) > 1', 'sum(b) > 2', 'max(c) IS NOT NULL'])}" if rnd.random() < 0.3 else ""
        gb = ", ".join(g)
        if rnd.random() < 0.2:
            gb = rnd.choice([f"ROLLUP({gb})", f"CUBE({gb})", f"GROUPING SETS (({gb}), ())"])
        return f"SELECT {', '.join(g)}, {', '.join(aggs)} FROM q1{where} GROUP BY {gb}{having}"
    if kind == 1:
        return f"SELECT {', '.join(agg() for _ in range(rnd.randint(1, 3)))} FROM q1{where}"
    if kind == 2:
        return f"SELECT a, b, c, {window()}, {window()} FROM q1{where}"
    if kind == 3:
        return f"SELECT DISTINCT {', '.join(scalar() for _ in range(rnd.randint(1, 2)))} FROM q1{where}"
    if kind == 4:
        op = rnd.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT", "INTERSECT ALL", "EXCEPT ALL"])
        c = rnd.choice(["a", "c", "b", "a, c"])
        return f"SELECT {c} FROM q1{where} {op} SELECT {c} FROM q2"
    if kind == 5:
        return f"SELECT a, (SELECT {agg()} FROM q2 WHERE q2.a = q1.a) FROM q1{where}"
    if kind == 7:
        return f"WITH w AS (SELECT a, b, c FROM q1{where}) SELECT w.a, count(*), max(q2.c) FROM w LEFT JOIN q2 USING (a) GROUP BY w.a"
    if kind == 8:
        return f"SELECT DISTINCT ON (a) a, b, c FROM q1{where} ORDER BY a, b DESC NULLS LAST, c, d, e, f, g"
    if kind == 9:
        return f"SELECT a, b, c FROM q1{where} ORDER BY {rnd.choice(['a, b, c, d, e, f, g', 'b DESC, a, c, d, e, f, g', 'c NULLS FIRST, a, b, d, e, f, g'])} LIMIT {rnd.randint(0, 5)} OFFSET {rnd.randint(0, 3)}"
    if kind == 10:
        return f"SELECT {rnd.choice(['a', 'c', 'g'])}, string_agg(DISTINCT c, '|' ORDER BY c), array_agg(DISTINCT b ORDER BY b) FROM q1{where} GROUP BY 1"
    if kind == 11:
        return f"SELECT x.a, y.s FROM q1 x, LATERAL (SELECT sum(b) AS s FROM q2 WHERE q2.a <= x.a) y{where.replace('q1', 'x')}"
    return f"SELECT {scalar()}, {agg()} FROM q1{where} GROUP BY 1"

common.compare((A, B), seed, N, verbose, query, sort=True)
