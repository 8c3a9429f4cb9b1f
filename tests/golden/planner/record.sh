#!/bin/bash
# Checks the answers in expected.txt against PostgreSQL 15 (the plans are
# this planner's own, reviewed by hand; PLANNER_RECORD=1 cargo test --test
# planner rewrites them). Needs the reference server: refpg start.
set -e
cd "$(dirname "$0")"
PSQL="/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p ${PGPORT:-55499} -U postgres"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS planner_golden" -c "CREATE DATABASE planner_golden"
$PSQL -d planner_golden -f schema.sql > /dev/null
status=0
while IFS= read -r q; do
    case "$q" in ''|--*) continue ;; esac
    want=$($PSQL -d planner_golden -A -t -F $'\t' -P null=NULL -c "$q" | sort | sed 's/^/  /')
    got=$(awk -v q="$q" '$0 == q {f=1; next} f && /^answer:/ {a=1; next} a && /^  / {print; next} a {exit}' expected.txt)
    if [ "$want" != "$got" ]; then
        echo "differs from PostgreSQL: $q"; status=1
    fi
done < queries.sql
exit $status
