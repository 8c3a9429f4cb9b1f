#!/bin/bash
# Partitioned table work in one session, side by side
# (docs/benchmarks.md "Partitioned tables"): a table range-partitioned by
# day into 10 partitions with a primary key; 200,000 rows loaded through
# the parent (each routed to its partition), 2,000 point lookups by key
# (pruned to one partition, an index scan there), a range count over two
# partitions, an update moving 1,000 rows across partitions. Usage:
# benches/partitions.sh PORT. Prints the milliseconds of each step
# (load, lookups, range, move) and their sum (psql's \timing). Run it
# against each server in turn, several times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$P -c "DROP TABLE IF EXISTS bench_parted" >/dev/null 2>&1
{
  echo "CREATE TABLE bench_parted (id int, day int, v text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);"
  for d in $(seq 0 9); do
    echo "CREATE TABLE bench_parted_$d PARTITION OF bench_parted FOR VALUES FROM ($d) TO ($((d + 1)));"
  done
} | $P >/dev/null
work() {
  echo '\timing on'
  echo "INSERT INTO bench_parted SELECT g, g % 10, repeat('x', 40) FROM generate_series(1, 200000) g;"
  echo '\timing off'
  echo "PREPARE look(int, int) AS SELECT v FROM bench_parted WHERE id = \$1 AND day = \$2;"
  echo '\timing on'
  echo "SELECT count((SELECT v FROM bench_parted WHERE id = g AND day = g % 10)) FROM generate_series(1, 200000, 100) g;"
  echo "SELECT count(*) FROM bench_parted WHERE day >= 3 AND day < 5;"
  echo "UPDATE bench_parted SET day = 9 WHERE day = 0 AND id <= 10000;"
}
times=$(work | $P 2>&1 | sed -n 's/^Time: \([0-9.]*\).*/\1/p' | tr '\n' ' ')
$P -c "DROP TABLE IF EXISTS bench_parted" >/dev/null
echo "$times" | awk '{printf "%.1f %.1f %.1f %.1f %.1f\n", $1, $2, $3, $4, $1 + $2 + $3 + $4}'
