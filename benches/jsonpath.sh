#!/bin/bash
# A jsonpath filter over 200,000 jsonb rows, side by side
# (docs/benchmarks.md "SQL/JSON path"). Usage: benches/jsonpath.sh PORT
# [setup]; with `setup` it (re)creates the table first. Prints the
# milliseconds of the query (psql's \timing). Run it against each server
# in turn, several times, and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
if [ "$2" = setup ]; then
  $P -c "DROP TABLE IF EXISTS jpb" -c "CREATE TABLE jpb (id int, j jsonb)" \
     -c "INSERT INTO jpb SELECT g, jsonb_build_object('a', g % 100, 'tags', jsonb_build_array(g % 7, g % 11)) FROM generate_series(1, 200000) g" >/dev/null
fi
$P -c '\timing on' -c "SELECT count(*) FROM jpb WHERE j @? '\$.tags[*] ? (@ == 3)'" \
  | sed -n 's/^Time: \([0-9.]*\).*/\1/p'
