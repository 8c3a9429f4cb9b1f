#!/usr/bin/env python3
"""Runs SQL files (PostgreSQL's regression tests, src/test/regress/sql/*.sql
in the postgres repository) on actorgres and on PostgreSQL 15, each in a
fresh database `rg` (or $RG_DB), with `psql -a`, and prints the share of PostgreSQL's
output lines that actorgres reproduces (difflib's matching blocks).

    AG_PORT=5433 PG_PORT=55499 python3 tests/regress/compare.py sequence.sql uuid.sql

With REGRESS_DIR set to a PostgreSQL source tree's src/test/regress, file
names are looked up in its sql/ folder and its test_setup.sql (the shared
tables tenk1, onek, int4_tbl, ...) runs in `rg` first, unmeasured.

Not part of `cargo test`: a measuring tool for the issue notes."""
import difflib, os, subprocess, sys
PSQL="/usr/lib/postgresql/15/bin/psql"
REGRESS=os.environ.get("REGRESS_DIR")
DB=os.environ.get("RG_DB", "rg")
def run(port, sql):
    subprocess.run([PSQL,"-X","-q","-h","127.0.0.1","-p",str(port),"-U","postgres","-d","postgres","-c",f"DROP DATABASE IF EXISTS {DB}","-c",f"CREATE DATABASE {DB}"],capture_output=True)
    if REGRESS:
        env=dict(os.environ, PG_ABS_SRCDIR=REGRESS, PG_LIBDIR="/nonexistent", PG_DLSUFFIX=".so")
        subprocess.run([PSQL,"-X","-q","-h","127.0.0.1","-p",str(port),"-U","postgres","-d",DB,"-f",os.path.join(REGRESS,"sql","test_setup.sql")],capture_output=True,env=env,timeout=600)
    p=subprocess.run([PSQL,"-X","-a","-q","-h","127.0.0.1","-p",str(port),"-U","postgres","-d",DB,"-f",sql],capture_output=True,text=True,timeout=600)
    return (p.stdout+p.stderr).splitlines()
tot_m=tot_n=0
for f in sys.argv[1:]:
    if REGRESS: f=os.path.join(REGRESS,"sql",f)
    ours=run(int(os.environ.get("AG_PORT", "5433")),f); pg=run(int(os.environ.get("PG_PORT", "55499")),f)
    pg=[l.replace(f, "F") for l in pg]; ours=[l.replace(f,"F") for l in ours]
    sm=difflib.SequenceMatcher(None, pg, ours, autojunk=False)
    m=sum(b.size for b in sm.get_matching_blocks())
    tot_m+=m; tot_n+=len(pg)
    print(f"{f}: {m}/{len(pg)} = {100*m/max(1,len(pg)):.1f}%")
print(f"total: {tot_m}/{tot_n} = {100*tot_m/max(1,tot_n):.1f}%")
