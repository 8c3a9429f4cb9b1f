"""What the differential fuzzers share: the command line (SEED [COUNT]
[v]), a connection to each server (AG_PORT, default 5433; PG_PORT,
default 55499), running a statement to a comparable answer, and the loop
that compares the two servers' answers and reports the differences."""
import os, random, sys, psycopg


def args(default_count):
    """(seed, count, verbose, random generator) from the command line."""
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else default_count
    return seed, count, len(sys.argv) > 3, random.Random(seed)


def servers(timeout):
    """Connections to actorgres and PostgreSQL, with a statement timeout."""
    def conn(port):
        c = psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True)
        c.execute(f"SET statement_timeout = '{timeout}'")
        return c
    return conn(int(os.environ.get("AG_PORT", 5433))), conn(int(os.environ.get("PG_PORT", 55499)))


def run(c, q, sort):
    """("ok", rows) — as text and sorted when `sort` — or ("err", SQLSTATE)."""
    try:
        rows = c.execute(q).fetchall()
    except psycopg.Error as e:
        return ("err", e.sqlstate)
    if sort:
        return ("ok", sorted(tuple("NULL" if v is None else str(v) for v in r) for r in rows))
    return ("ok", rows)


def compare(servers, seed, count, verbose, make, sort, shown=10):
    """Runs `count` statements from `make()` on both servers and prints
    each difference (at most `shown`) and `seed S bad N/COUNT`."""
    ours, pg = servers
    bad = 0
    for _ in range(count):
        q = make()
        if verbose:
            print(q)
        a, b = run(ours, q, sort), run(pg, q, sort)
        if a != b:
            bad += 1
            if bad <= shown:
                print(f"--- {q}\n  ours: {str(a)[:400]}\n  pg:   {str(b)[:400]}")
    print(f"seed {seed} bad {bad}/{count}")
