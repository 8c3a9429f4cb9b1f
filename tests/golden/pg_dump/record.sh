#!/bin/bash
# Records pg_dump's plain output of ../psql_describe/schema.sql plus
# data.sql taken from PostgreSQL 15: tests/pg_dump.rs loads it into
# actorgres. Needs the reference server: refpg start.
set -e
cd "$(dirname "$0")"
P=/usr/lib/postgresql/15/bin
PSQL="$P/psql -X -q -h 127.0.0.1 -p ${PGPORT:-55499} -U postgres"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS dump_golden" -c "CREATE DATABASE dump_golden"
$PSQL -d dump_golden -f ../psql_describe/schema.sql -f data.sql
$P/pg_dump -h 127.0.0.1 -p "${PGPORT:-55499}" -U postgres dump_golden > from_postgres15.sql
