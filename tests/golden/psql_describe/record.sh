#!/bin/bash
# Records what PostgreSQL 15 prints for each psql command in commands.txt
# over schema.sql, in a fresh database: the golden files tests/psql.rs
# compares actorgres with. Needs the reference server: refpg start.
set -e
cd "$(dirname "$0")"
PSQL="/usr/lib/postgresql/15/bin/psql -X -h 127.0.0.1 -p ${PGPORT:-55499} -U postgres"
$PSQL -q -d postgres -c "DROP DATABASE IF EXISTS describe_golden" -c "CREATE DATABASE describe_golden"
$PSQL -q -d describe_golden -f schema.sql
: > expected.txt
while IFS= read -r cmd; do
    printf '### %s\n' "$cmd" >> expected.txt
    $PSQL -d describe_golden -c "$cmd" >> expected.txt 2>&1
done < commands.txt
