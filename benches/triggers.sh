#!/bin/bash
# Triggers in one session, side by side (docs/benchmarks.md "Triggers"):
# 50,000 rows inserted into a table with a BEFORE ROW trigger that sets
# updated_at (PL/pgSQL run per row), the same rows updated through a
# BEFORE UPDATE trigger, 20,000 rows inserted into a table whose AFTER ROW
# trigger writes an audit row for each, and 50,000 rows inserted under an
# AFTER STATEMENT trigger that counts them in its transition table.
# Usage: benches/triggers.sh PORT. Prints the milliseconds of each step
# (before insert, before update, after-row audit, transition table) and
# their sum (psql's \timing). Run it against each server in turn, several
# times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$P >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS bench_touch, bench_audited, bench_audit, bench_tt, bench_tt_log;
DROP FUNCTION IF EXISTS bench_touch_f(), bench_audit_f(), bench_tt_f();
SQL
$P >/dev/null <<'SQL'
CREATE TABLE bench_touch (id int PRIMARY KEY, v text, updated_at timestamptz);
CREATE FUNCTION bench_touch_f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := '2024-01-01 00:00:00+00'; RETURN NEW; END $$;
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON bench_touch FOR EACH ROW EXECUTE FUNCTION bench_touch_f();
CREATE TABLE bench_audited (id int, v text);
CREATE TABLE bench_audit (op text, id int);
CREATE FUNCTION bench_audit_f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO bench_audit VALUES (TG_OP, NEW.id); RETURN NULL; END $$;
CREATE TRIGGER a AFTER INSERT ON bench_audited FOR EACH ROW EXECUTE FUNCTION bench_audit_f();
CREATE TABLE bench_tt (id int, v text);
CREATE TABLE bench_tt_log (n bigint);
CREATE FUNCTION bench_tt_f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO bench_tt_log SELECT count(*) FROM nt; RETURN NULL; END $$;
CREATE TRIGGER s AFTER INSERT ON bench_tt REFERENCING NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION bench_tt_f();
SQL
work() {
  echo '\timing on'
  echo "INSERT INTO bench_touch SELECT g, 'v' || g FROM generate_series(1, 50000) g;"
  echo "UPDATE bench_touch SET v = v || '!';"
  echo "INSERT INTO bench_audited SELECT g, 'v' || g FROM generate_series(1, 20000) g;"
  echo "INSERT INTO bench_tt SELECT g, 'v' || g FROM generate_series(1, 50000) g;"
}
times=$(work | $P 2>&1 | sed -n 's/^Time: \([0-9.]*\).*/\1/p' | tr '\n' ' ')
$P >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS bench_touch, bench_audited, bench_audit, bench_tt, bench_tt_log;
DROP FUNCTION IF EXISTS bench_touch_f(), bench_audit_f(), bench_tt_f();
SQL
echo "$times" | awk '{printf "%.1f %.1f %.1f %.1f %.1f\n", $1, $2, $3, $4, $1 + $2 + $3 + $4}'
