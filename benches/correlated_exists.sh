#!/bin/bash
# A correlated EXISTS under OR (it cannot become a semi join) over two
# tables of 20,000 rows without an index, side by side
# (docs/benchmarks.md "Correlated EXISTS"). Usage:
# benches/correlated_exists.sh PORT [setup]; with `setup` it (re)creates
# the tables first. Prints the milliseconds of the query (psql's \timing).
# Run it against each server in turn, several times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
if [ "$2" = setup ]; then
  $P -c "DROP TABLE IF EXISTS ce_outer, ce_inner" \
     -c "CREATE TABLE ce_outer (id int, k int, flag int)" \
     -c "CREATE TABLE ce_inner (k int, v int)" \
     -c "INSERT INTO ce_outer SELECT g, g * 7 % 40000, g % 10 FROM generate_series(1, 20000) g" \
     -c "INSERT INTO ce_inner SELECT g * 3 % 40000, g FROM generate_series(1, 20000) g" \
     -c "ANALYZE ce_outer" -c "ANALYZE ce_inner" >/dev/null
fi
$P -c '\timing on' \
  -c "SELECT count(*) FROM ce_outer o WHERE EXISTS (SELECT 1 FROM ce_inner i WHERE i.k = o.k AND i.v > 100) OR o.flag = 0" \
  | sed -n 's/^Time: \([0-9.]*\).*/\1/p'
