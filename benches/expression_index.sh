#!/bin/bash
# Expression and partial indexes in one session, side by side
# (docs/benchmarks.md "Expression and partial indexes"): 200,000 users
# with mixed-case e-mail addresses; a unique index on lower(email) and a
# partial index on the rows not deleted are built, then 2,000 lookups by
# lower(email) and 2,000 by a key among the live rows run (each a
# correlated subquery, as an application's per-row lookups), and 20,000
# rows are inserted through both indexes. Usage:
# benches/expression_index.sh PORT. Prints the milliseconds of each step
# (build, lookups, partial lookups, insert) and their sum (psql's
# \timing). Run it against each server in turn, several times, and
# compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$P -c "DROP TABLE IF EXISTS bench_users" >/dev/null 2>&1
$P >/dev/null <<'SQL'
CREATE TABLE bench_users (id int, email text, deleted bool, n int);
INSERT INTO bench_users SELECT g, 'User' || g || '@Example.com', g % 5 = 0, g % 1000 FROM generate_series(1, 200000) g;
SQL
work() {
  echo '\timing on'
  echo "CREATE UNIQUE INDEX bench_users_lower ON bench_users (lower(email));"
  echo "CREATE INDEX bench_users_live ON bench_users (n, id) WHERE NOT deleted;"
  echo "SELECT count((SELECT id FROM bench_users WHERE lower(email) = 'user' || g || '@example.com')) FROM generate_series(1, 200000, 100) g;"
  echo "SELECT count((SELECT id FROM bench_users WHERE n = g % 1000 AND id = g AND NOT deleted)) FROM generate_series(1, 200000, 100) g;"
  echo "INSERT INTO bench_users SELECT g, 'New' || g || '@Example.com', false, g % 1000 FROM generate_series(200001, 220000) g;"
}
times=$(work | $P 2>&1 | sed -n 's/^Time: \([0-9.]*\).*/\1/p' | tr '\n' ' ')
$P -c "DROP TABLE IF EXISTS bench_users" >/dev/null
echo "$times" | awk '{printf "%.1f %.1f %.1f %.1f %.1f\n", $1 + $2, $3, $4, $5, $1 + $2 + $3 + $4 + $5}'
