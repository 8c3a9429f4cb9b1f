#!/bin/bash
# In-memory sort side by side (docs/benchmarks.md "Sorting"): 1,000,000
# bigints in a scrambled order sorted with work_mem = 512MB, and the
# same query unsorted; OFFSET past the end keeps the rows off the wire.
# Usage: benches/sort.sh PORT. Prints the milliseconds of the sorted
# and the unsorted query (psql's \timing); their difference is the
# sort. Run it against each server in turn, several times, and compare
# medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
work() {
  echo "SET work_mem = '512MB';"
  echo '\timing on'
  echo "SELECT g FROM (SELECT (i::int8 * 7919) % 1000003 AS g FROM generate_series(1, 1000000) i) s ORDER BY g OFFSET 1000000;"
  echo "SELECT g FROM (SELECT (i::int8 * 7919) % 1000003 AS g FROM generate_series(1, 1000000) i) s OFFSET 1000000;"
}
work | $P 2>&1 | sed -n 's/^Time: \([0-9.]*\).*/\1/p' | tr '\n' ' ' | awk '{printf "%.1f %.1f %.1f\n", $1, $2, $1 - $2}'
