#!/bin/bash
# Records what PostgreSQL 15 prints for the EXPLAIN statements of
# commands.sql (FORMAT JSON / YAML / XML, TIMING and SUMMARY OFF), in a
# fresh database: the golden file tests/psql.rs compares actorgres with.
# Needs the reference server: refpg start.
set -e
cd "$(dirname "$0")"
PSQL="/usr/lib/postgresql/15/bin/psql -X -h 127.0.0.1 -p ${PGPORT:-55499} -U postgres"
$PSQL -q -d postgres -c "DROP DATABASE IF EXISTS explain_golden" -c "CREATE DATABASE explain_golden"
$PSQL -d explain_golden -A -t -f commands.sql > expected.txt 2>&1
$PSQL -q -d postgres -c "DROP DATABASE explain_golden"
