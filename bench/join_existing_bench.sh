#!/usr/bin/env bash
# Benchmark (issue 14, item 5): tote joining a PostgreSQL that already holds ~1M bets, end to end.
# Not a test; prints figures (docs/benchmarks.md, "Joining an existing database").
#
#   1. a stack of its own (scripts/stack.sh up postgres kafka connect) on free ports under WORK;
#   2. `tote simulate --oltp` fills the database with no connector (FILL change events);
#   3. `tote simulate --oltp --continue --connect-url` registers the connector (Debezium's initial
#      snapshot of every row, all at one position) while LIVE more change events commit;
#   4. `tote ingest --kafka-… --follow` from the registration on, under /usr/bin/time -v (peak
#      RSS), until its committed position has stayed at the topic's end for 30 s;
#   5. `tote reconcile --oltp`: the warehouse against the database itself.
#
# usage: bench/join_existing_bench.sh WORK [FILL=9250000] [LIVE=100000] [STATE_MB=4096] [TOTE]
# Needs Java 17, Maven (or the cached jars) and PostgreSQL 15 (scripts/install-deps.sh --tests).
set -euo pipefail
work="${1:?usage: bench/join_existing_bench.sh WORK [FILL] [LIVE] [STATE_MB] [TOTE]}"
fill="${2:-9250000}"
live="${3:-100000}"
state_mb="${4:-4096}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tote="${5:-$root/build/release/src/cli/tote}"
mkdir -p "$work"
chmod 755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export TOTE_STACK_DIR="$work/stack" TOTE_STACK_TIMEOUT=300
export TOTE_PG_PORT="$(free_port)" TOTE_KAFKA_PORT="$(free_port)" TOTE_KAFKA_CONTROLLER_PORT="$(free_port)"
export TOTE_CONNECT_PORT="$(free_port)" TOTE_CLICKHOUSE_PORT="$(free_port)"
stack="$root/scripts/stack.sh"
pg="postgresql://postgres@127.0.0.1:$TOTE_PG_PORT/tote"
brokers="127.0.0.1:$TOTE_KAFKA_PORT"
data="$work/data"
say() { echo "[$(date -u +%H:%M:%S)] $*"; }
trap '"$stack" down >/dev/null 2>&1 || true' EXIT

say "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GB; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$stack" up postgres kafka connect | tail -3
say "fill: $fill change events, no connector"
/usr/bin/time -f "fill: %e s, %U+%S CPU-s, peak RSS %M KB" \
  "$tote" --data-dir "$data" simulate --oltp "$pg" --create-schema --max-events "$fill" --no-sync-commit | tail -3
bets="$(psql -X -At -h 127.0.0.1 -p "$TOTE_PG_PORT" -U postgres -d tote -c 'SELECT count(*) FROM bets')"
rows="$(psql -X -At -h 127.0.0.1 -p "$TOTE_PG_PORT" -U postgres -d tote -c "SELECT sum(n_live_tup) FROM pg_stat_user_tables")"
say "database before the connector: $bets bets, ~$rows rows"

say "connector + $live live change events at 2,000/s while the snapshot runs"
"$tote" --data-dir "$data" simulate --oltp "$pg" --continue --connect-url "http://127.0.0.1:$TOTE_CONNECT_PORT" \
  --max-events "$((fill + live))" --rate 2000 --no-sync-commit >"$work/continue.out" 2>&1 &
sim=$!
until [[ "$("$stack" kafka-end-offset tote.all 2>/dev/null | tail -1)" =~ ^[1-9][0-9]*$ ]]; do
  kill -0 "$sim" 2>/dev/null || { tail -5 "$work/continue.out"; exit 1; }
  sleep 1  # polling for the topic Debezium creates with its first message
done
say "topic tote.all exists: ingest starts (--follow)"
/usr/bin/time -v -o "$work/ingest.time" "$tote" --data-dir "$data" ingest --kafka-brokers "$brokers" \
  --kafka-topic tote.all --follow --state-memory-mb "$state_mb" --dashboard-port -1 \
  >"$work/ingest.out" 2>"$work/ingest.err" &
ingest=$!
wait "$sim"
tail -3 "$work/continue.out"

# The embedded warehouse belongs to the ingest while it runs: its position from its local API.
api_position() {
  local url token
  url="$(cat "$data/api.url" 2>/dev/null)" || { echo 0; return; }
  token="$(cat "$data/api.token" 2>/dev/null)" || { echo 0; return; }
  curl -s -X POST -d '' -H "X-ClickHouse-Key: $token" "$url/status" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("durable_offset", 0))' 2>/dev/null || echo 0
}
last=-1; same_since=$SECONDS
while true; do
  end="$("$stack" kafka-end-offset tote.all 2>/dev/null | tail -1)"
  at="$(api_position)"
  if [[ "$at" == "$end" && "$at" == "$last" ]]; then
    ((SECONDS - same_since >= 30)) && break
  else
    same_since=$SECONDS
  fi
  last="$at"
  kill -0 "$ingest" 2>/dev/null || { say "ingest exited"; cat "$work/ingest.err" | tail -5; exit 1; }
  say "topic end $end, ingest durable at $at; load $(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 20
done
say "caught up at offset $last: stopping the ingest"
pkill -TERM -P "$ingest"; wait "$ingest" || true  # tote is the child of /usr/bin/time
tail -8 "$work/ingest.out"
grep -E "Elapsed|Maximum resident|User time|System time" "$work/ingest.time"
say "reconcile --oltp"
"$tote" --data-dir "$data" reconcile --consumer kafka:tote.all:0 --oltp "$pg" | tail -12
say "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
