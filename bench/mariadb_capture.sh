#!/usr/bin/env bash
# Measures the MariaDB path of the stack (docs/benchmarks.md, "MariaDB capture"):
#   1. snapshot: ROWS wallet_transactions rows loaded before the connector, then the Debezium
#      MariaDB connector registered; time and Connect CPU until every row is in Kafka;
#   2. streaming: ROWS more rows inserted in transactions of TX rows (a multi-row INSERT each);
#      time and Connect CPU from the first insert until every change and BEGIN/END is in Kafka.
# Needs: scripts/stack.sh up kafka mariadb connect-mariadb (same TOTE_* variables).
# Usage: bench/mariadb_capture.sh [ROWS] [TX]     (defaults 200000 and 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
stack="$root/scripts/stack.sh"
rows="${1:-200000}" tx="${2:-10}"
eval "$("$stack" env)"
port="${TOTE_STACK_MARIADB_URL##*:}"; port="${port%%/*}"
kafka="$TOTE_STACK_KAFKA"
db=bench name=benchmaria prefix=benchm
sql() { mariadb --no-defaults -h 127.0.0.1 -P "$port" -u tote -ptote "$@"; }
pid="$(cat "${TOTE_STACK_DIR:-$root/var/stack}/connect-mariadb/connect-mariadb.pid")"
cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$pid/stat"; }  # utime+stime, s (USER_HZ 100)
end_offset() {
  "$stack" kafka-end-offset "$prefix.all" 2>/dev/null || echo 0
}
wait_for() {  # records
  while (( $(end_offset) < $1 )); do sleep 1; done
}
"$stack" connector-mariadb-delete "$name" >/dev/null 2>&1 || true
sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
sql "$db" <"$root/schema/oltp_mariadb.sql"
python3 - "$rows" 1 >"/tmp/tote-bench-rows.sql" <<'PY'
import sys
rows, start = int(sys.argv[1]), int(sys.argv[2])
for b in range(start, start + rows, 1000):
    vals = ",".join(f"({i},{i % 5000 + 1},1,{i % 997}.{i % 100:02d},'NGN',NULL,2,'2026-11-29 10:00:00.{i % 1000000:06d}')"
                    for i in range(b, min(b + 1000, start + rows)))
    print(f"INSERT INTO wallet_transactions VALUES {vals};")
PY
sql "$db" </tmp/tote-bench-rows.sql
echo "loaded $rows rows"
c0="$(cpu)"; t0="$(date +%s.%N)"
"$stack" connector-mariadb "$name" "$db" "$prefix" >/dev/null
wait_for $((rows + 26))  # + the snapshot's 26 schema change events (this schema)
t1="$(date +%s.%N)"; c1="$(cpu)"
base="$(end_offset)"
python3 - "$rows" "$tx" <<'PY' >/tmp/tote-bench-stream.sql
import sys
rows, tx = int(sys.argv[1]), int(sys.argv[2])
for b in range(rows + 1, 2 * rows + 1, tx):
    vals = ",".join(f"({i},{i % 5000 + 1},3,-{i % 997}.{i % 100:02d},'NGN',{i},2,'2026-11-29 11:00:00')"
                    for i in range(b, min(b + tx, 2 * rows + 1)))
    print(f"START TRANSACTION; INSERT INTO wallet_transactions VALUES {vals}; COMMIT;")
PY
c2="$(cpu)"; t2="$(date +%s.%N)"
sql "$db" </tmp/tote-bench-stream.sql
t2b="$(date +%s.%N)"
want=$(( base + rows + 2 * ((rows + tx - 1) / tx) ))
wait_for "$want"
t3="$(date +%s.%N)"; c3="$(cpu)"
python3 - "$rows" "$tx" "$t0" "$t1" "$c0" "$c1" "$t2" "$t2b" "$t3" "$c2" "$c3" <<'PY'
import sys
rows, tx = int(sys.argv[1]), int(sys.argv[2])
t0, t1, c0, c1, t2, t2b, t3, c2, c3 = map(float, sys.argv[3:])
print(f"snapshot: {rows} rows in {t1 - t0:.1f} s wall ({rows / (t1 - t0):,.0f} rows/s), Connect CPU {c1 - c0:.1f} s ({(c1 - c0) / rows * 1e6:.1f} CPU-s per million rows)")
n = rows + 2 * ((rows + tx - 1) // tx)
print(f"streaming: {rows} changes in transactions of {tx} ({n} records with BEGIN/END): inserts took {t2b - t2:.1f} s, "
      f"all in Kafka after {t3 - t2:.1f} s ({rows / (t3 - t2):,.0f} changes/s), Connect CPU {c3 - c2:.1f} s ({(c3 - c2) / rows * 1e6:.1f} CPU-s per million changes)")
PY
"$stack" connector-mariadb-delete "$name" >/dev/null
