#!/usr/bin/env bash
# Applies schema/oltp.sql to a throwaway PostgreSQL 15 cluster and loads the simulator's final
# OLTP state into it, proving the simulator's rows fit the DDL; checks row counts and the
# ledger sum against the simulator's ground truth.
# usage: postgres_ddl_test.sh SIM_TO_SQL_BINARY SCHEMA_SQL [CHANGE_EVENTS]
# Exit 77 (skipped) only when the PostgreSQL 15 binaries are absent.
set -euo pipefail
SIM=$1
SCHEMA=$2
EVENTS=${3:-60000}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x $PGBIN/initdb || ! -x $PGBIN/pg_ctl || ! -x $PGBIN/psql && ! -x /usr/bin/psql ]]; then
  echo "SKIP: PostgreSQL 15 binaries not found in $PGBIN"
  exit 77
fi
PSQL=$PGBIN/psql
[[ -x $PSQL ]] || PSQL=/usr/bin/psql

WORK=$(mktemp -d /tmp/tote-pgtest.XXXXXX)
chmod 755 "$WORK"
RUNAS=()
if [[ $(id -u) -eq 0 ]]; then RUNAS=(runuser -u postgres --); chown postgres "$WORK"; fi
cleanup() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A free loopback port.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

"${RUNAS[@]}" "$PGBIN/initdb" -D "$WORK/data" -A trust -U postgres --no-sync >"$WORK/initdb.log" 2>&1 ||
  { cat "$WORK/initdb.log"; exit 1; }
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
  { cat "$WORK/server.log"; exit 1; }

psql_q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres -d postgres "$@"; }

psql_q -f "$SCHEMA"
"$SIM" "$EVENTS" "$WORK/log" "$WORK/state.sql" "$WORK/expected.txt"
psql_q -f "$WORK/state.sql"

fail=0
while read -r name expected; do
  if [[ $name == ledger_sum ]]; then
    got=$(psql_q -At -c "SELECT coalesce(sum(amount_minor),0) FROM wallet_transactions")
  else
    got=$(psql_q -At -c "SELECT count(*) FROM $name")
  fi
  if [[ $got != "$expected" ]]; then
    echo "MISMATCH $name: expected $expected, PostgreSQL has $got"
    fail=1
  else
    echo "ok $name $got"
  fi
done <"$WORK/expected.txt"
exit $fail
