#!/bin/bash
# Rows larger than a page, side by side (docs/benchmarks.md "Large
# rows"): 500 rows of 64 kB of md5 text (out of line on both servers;
# too varied for PostgreSQL's pglz to compress), written in one INSERT,
# then read back whole. Usage: benches/large_rows.sh PORT; prints the
# milliseconds of the insert and of the read. Run it against each
# server in turn and compare medians.
port=$1
P="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$P -c "DROP TABLE IF EXISTS bigbench" -c "CREATE TABLE bigbench (id int, body text)" >/dev/null
t0=$(date +%s%N)
$P -c "INSERT INTO bigbench SELECT g, (SELECT string_agg(md5((g * 10000 + i)::text), '') FROM generate_series(1, 2000) i) FROM generate_series(1, 500) g" >/dev/null
t1=$(date +%s%N)
$P -At -c "SELECT sum(length(body)), count(DISTINCT md5(body)) FROM bigbench" >/dev/null
t2=$(date +%s%N)
echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 ))"
