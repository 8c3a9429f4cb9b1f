#!/usr/bin/env python3
"""Memory per idle connection, side by side (docs/benchmarks.md, "Wire
protocol, COPY and pgbench"): opens N idle psycopg sessions and prints how
much the server's proportional set size (PSS, from /proc) grew per
session. For PostgreSQL, give the postmaster's pid: its children (one
process per backend) are summed with it.

Usage: benches/idle_sessions.py PORT N PID
(max_connections must allow N + 1 sessions; `ulimit -n` above 2 N.)
"""
import subprocess
import sys
import time

import psycopg


def pss_kb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def tree_pss_kb(root):
    children = subprocess.run(
        ["pgrep", "-P", str(root)], capture_output=True, text=True
    ).stdout.split()
    return sum(pss_kb(p) for p in [root, *children])


def main():
    port, n, root = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    first = psycopg.connect(conninfo)
    time.sleep(0.5)
    before = tree_pss_kb(root)
    sessions = [psycopg.connect(conninfo) for _ in range(n)]
    time.sleep(1)
    after = tree_pss_kb(root)
    print(f"{n} idle sessions: {(after - before) / n:.1f} kB each ({before} -> {after} kB)")
    for s in [first, *sessions]:
        s.close()


if __name__ == "__main__":
    main()
