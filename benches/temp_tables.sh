#!/bin/bash
# Temporary table work in one session, side by side
# (docs/benchmarks.md "Temporary tables"): create a temporary table, load
# 200,000 rows, index them, update half, read them back, against a
# permanent table doing the same. Usage: benches/temp_tables.sh PORT.
# Prints two numbers: the milliseconds of the temporary table's work and
# of the permanent table's (psql's \timing summed over the statements).
# Run it against each server in turn, several times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
work() {
  local kind=$1 name=$2
  echo '\timing on'
  echo "CREATE $kind TABLE $name (a int, b text);"
  echo "INSERT INTO $name SELECT g, repeat('x', 40) FROM generate_series(1, 200000) g;"
  echo "CREATE INDEX ON $name (a);"
  echo "UPDATE $name SET b = 'y' WHERE a % 2 = 0;"
  echo "SELECT count(*), sum(length(b)) FROM $name;"
  echo "SELECT b FROM $name WHERE a = 77777;"
}
sum() { sed -n 's/^Time: \([0-9.]*\).*/\1/p' | awk '{s += $1} END {printf "%.1f", s}'; }
temp=$( (work TEMP bench_temp) | $P 2>&1 | sum)
$P -c "DROP TABLE IF EXISTS bench_perm" >/dev/null
perm=$( (work "" bench_perm) | $P 2>&1 | sum)
$P -c "DROP TABLE IF EXISTS bench_perm" >/dev/null
echo "$temp $perm"
