#!/bin/bash
# ANALYZE side by side (docs/benchmarks.md "ANALYZE"): a table of
# 1,000,000 rows with an int key, a skewed int, a short text and a
# numeric is analyzed whole (ANALYZE t), then one column (ANALYZE
# t (k)), then a 20,000-row table that is read whole. Usage:
# benches/analyze.sh PORT. Prints the milliseconds of each step and
# their sum (psql's \timing). Run it against each server in turn,
# several times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$P -c "DROP TABLE IF EXISTS bench_an, bench_an_small" >/dev/null 2>&1
$P >/dev/null <<'SQL'
CREATE TABLE bench_an (k int, skew int, t text, n numeric);
INSERT INTO bench_an SELECT g, (g % 100) * (g % 7), 'value ' || (g % 5000), g / 3.0 FROM generate_series(1, 1000000) g;
CREATE TABLE bench_an_small AS SELECT * FROM bench_an WHERE k <= 20000;
SQL
work() {
  echo '\timing on'
  echo "ANALYZE bench_an;"
  echo "ANALYZE bench_an (k);"
  echo "ANALYZE bench_an_small;"
}
times=$(work | $P 2>&1 | sed -n 's/^Time: \([0-9.]*\).*/\1/p' | tr '\n' ' ')
$P -c "DROP TABLE bench_an, bench_an_small" >/dev/null
echo "$times" | awk '{printf "%.1f %.1f %.1f %.1f\n", $1, $2, $3, $1 + $2 + $3}'
