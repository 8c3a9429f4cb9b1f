#!/usr/bin/env python3
"""Fills the expected results of `query` records in a .slt file from the
reference PostgreSQL (refpg on 127.0.0.1:55499), in a fresh database."""
import subprocess, sys

PSQL = ["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-h", "127.0.0.1", "-p", "55499", "-U", "postgres"]

def run(db, sql, check=True):
    p = subprocess.run(PSQL + ["-d", db, "-A", "-t", "-F", "\t", "-P", "null=NULL", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"refpg failed on:\n{sql}\n{p.stderr}")
    return p

def main(path):
    db = "slt_fill"
    run("postgres", f"DROP DATABASE IF EXISTS {db}")
    run("postgres", f"CREATE DATABASE {db}")
    text = open(path).read()
    blocks = text.split("\n\n")
    out = []
    for b in blocks:
        lines = b.strip("\n").split("\n")
        head = lines[0] if lines else ""
        if head.startswith("query") and "error" not in head:
            sql_lines = []
            for l in lines[1:]:
                if l == "----":
                    break
                sql_lines.append(l)
            sql = "\n".join(sql_lines)
            res = run(db, sql).stdout
            rows = [r for r in res.split("\n") if r != ""]
            vals = [" ".join("(empty)" if f == "" else f for f in r.split("\t")) for r in rows]
            if "rowsort" in head:
                vals.sort()
            out.append("\n".join([head] + sql_lines + ["----"] + vals))
        elif head.startswith("statement ok"):
            run(db, "\n".join(lines[1:]))
            out.append(b.strip("\n"))
        else:
            if head.startswith("statement error") or head.startswith("query error"):
                p = run(db, "\n".join(l for l in lines[1:] if l != "----"), check=False)
                if p.returncode == 0:
                    raise SystemExit(f"expected an error from refpg:\n{b}")
            out.append(b.strip("\n"))
    open(path, "w").write("\n\n".join(out) + "\n")
    run("postgres", f"DROP DATABASE IF EXISTS {db}")

main(sys.argv[1])
