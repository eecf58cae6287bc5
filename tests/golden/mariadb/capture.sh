#!/usr/bin/env bash
# Reproduces the MariaDB captures in this folder (README.md): real statements on MariaDB 10.11
# -> Debezium MySQL connector 3.6.1.Final on Kafka Connect 4.4.0 -> Kafka 4.4.0, every record of
# the one ordered topic <prefix>.all written as a JSON line
#   {topic, partition, offset, timestamp_ms, timestamp_type, key, value, headers}
# with key and value the exact bytes as produced (value null for a tombstone).
#
# Needs the stack: scripts/stack.sh up kafka mariadb connect-mariadb (same TOTE_* variables as for it).
# Usage: tests/golden/mariadb/capture.sh [OUTPUT.jsonl]   (default: mariadb_capture.jsonl here)
# It drops and re-creates database `cap` and connector `capmaria` (topic prefix `capm`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
stack="$root/scripts/stack.sh"
out="${1:-$here/mariadb_capture.jsonl}"
eval "$("$stack" env)"
port="${TOTE_STACK_MARIADB_URL##*:}"; port="${port%%/*}"
db=cap name=capmaria prefix=capm
sql() { mariadb --no-defaults -h 127.0.0.1 -P "$port" -u tote -ptote "$@"; }

"$stack" connector-mariadb-delete "$name" >/dev/null 2>&1 || true
sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
sql "$db" <"$root/schema/oltp_mariadb.sql"

# 1. Rows that exist before the connector: its initial snapshot reads them.
sql "$db" <<'SQL'
INSERT INTO players VALUES (1, 'NG', 'NGN', 2, '2026-11-29 10:00:00.123456', 1, NULL),
                           (2, 'UG', 'UGX', 3, '2026-11-29 10:01:00', 1, 'kyc ok');
INSERT INTO sports VALUES (1, 'Football');
INSERT INTO competitions VALUES (1, 1, 'NPFL', 'NG');
INSERT INTO events VALUES (1, 1, 'Enyimba', 'Rivers United', '2026-11-29 15:00:00', 1, NULL);
INSERT INTO markets VALUES (1, 1, '1X2', NULL, 1), (2, 1, 'AH', -0.25, 1);
INSERT INTO selections VALUES (1, 1, 'home', 2.1000, NULL, NULL), (2, 1, 'draw', 3.2500, NULL, NULL),
                              (3, 2, 'home -0.25', 1.9500, NULL, NULL);
INSERT INTO fx_rates VALUES ('NGN', '2026-11-29', 0.0005812345), ('UGX', '2026-11-29', 0.0002451234);
INSERT INTO wallet_transactions VALUES (1, 1, 1, 5000.00, 'NGN', NULL, 2, '2026-11-29 10:05:00'),
                                       (2, 2, 1, 20000.00, 'UGX', NULL, 2, '2026-11-29 10:06:00');
SQL

"$stack" connector-mariadb "$name" "$db" "$prefix" >/dev/null

# 2. Streamed changes, each statement group one transaction (autocommit otherwise).
sql "$db" <<'SQL'
-- a single-row insert (autocommit)
INSERT INTO players VALUES (3, 'KE', 'KES', 1, '2026-11-29 11:00:00.5', 1, NULL);
-- a bet placement: bet, two legs, the stake debit, in one transaction
START TRANSACTION;
INSERT INTO bets VALUES (10, 1, 2, 100.00, 'NGN', 6.8250, 682.50, 1, NULL, '2026-11-29 12:00:00.250000', NULL, 2);
INSERT INTO bet_legs VALUES (10, 1, 1, 2.1000, NULL), (10, 2, 2, 3.2500, NULL);
INSERT INTO wallet_transactions VALUES (3, 1, 3, -100.00, 'NGN', 10, 2, '2026-11-29 12:00:00.250000');
COMMIT;
-- a UGX single: major units without decimals
START TRANSACTION;
INSERT INTO bets VALUES (11, 2, 1, 1500.00, 'UGX', 1.9500, 2925.00, 1, NULL, '2026-11-29 12:30:00', NULL, 3);
INSERT INTO bet_legs VALUES (11, 1, 3, 1.9500, NULL);
INSERT INTO wallet_transactions VALUES (4, 2, 3, -1500.00, 'UGX', 11, 2, '2026-11-29 12:30:00');
COMMIT;
-- settlement: results, the bet won and its payout credit; the same row twice in one transaction
START TRANSACTION;
UPDATE selections SET result = 1 WHERE id = 1;
UPDATE selections SET result = 2 WHERE id = 2;
UPDATE bet_legs SET result = 1 WHERE bet_id = 10;
UPDATE bets SET status = 2, payout = 682.50, settled_at = '2026-11-29 17:00:00' WHERE id = 10;
UPDATE bets SET settled_at = '2026-11-29 17:00:01' WHERE id = 10;
INSERT INTO wallet_transactions VALUES (5, 1, 4, 682.50, 'NGN', 10, 2, '2026-11-29 17:00:01');
COMMIT;
-- a delete (autocommit), a primary-key update, a multi-row delete in one statement
DELETE FROM fx_rates WHERE currency = 'UGX';
UPDATE players SET id = 4 WHERE id = 3;
DELETE FROM markets WHERE id IN (1, 2);
-- DDL, then a row that uses the new column
ALTER TABLE players ADD COLUMN vip TINYINT NOT NULL DEFAULT 0;
UPDATE players SET vip = 1 WHERE id = 1;
-- a truncate
INSERT INTO odds_staging VALUES (1, 1, 2.0500, '2026-11-29 13:00:00');
TRUNCATE TABLE odds_staging;
SQL

# 3. Read the topic until it has stopped growing (the last statement's records arrived).
python3 - "$stack" "$prefix.all" "$out" <<'PY'
import json, subprocess, sys, time
stack, topic, out = sys.argv[1:4]
def read():
    p = subprocess.run([stack, "consume", "^" + topic.replace(".", "\\.") + "$", "--timeout-ms", "8000",
                        "--formatter-property", "key.separator=\t",
                        "--formatter-property", "print.partition=true",
                        "--formatter-property", "print.offset=true",
                        "--formatter-property", "print.timestamp=true",
                        "--formatter-property", "print.headers=true"],
                       capture_output=True, text=True, timeout=300)
    recs = {}
    for line in p.stdout.splitlines():
        f = line.split("\t")  # JSON never holds a raw tab
        if len(f) != 6 or not f[1].startswith("Partition:"):
            continue
        ts_type, _, ts = f[0].partition(":")
        part, off = int(f[1].split(":")[1]), int(f[2].split(":")[1])
        headers = [] if f[3] == "NO_HEADERS" else f[3]
        recs[(part, off)] = {"topic": topic, "partition": part, "offset": off,
                             "timestamp_ms": int(ts),
                             "timestamp_type": "create" if ts_type == "CreateTime" else "log_append",
                             "key": None if f[4] == "null" else f[4],
                             "value": None if f[5] == "null" else f[5], "headers": headers}
    return recs
last, recs = -1, {}
for _ in range(20):
    recs = read()
    done = any(r["value"] and '"op":"t"' in r["value"] for r in recs.values())
    if done and len(recs) == last:
        break
    last = len(recs)
    time.sleep(2)
with open(out, "w") as f:
    for k in sorted(recs):
        f.write(json.dumps(recs[k]) + "\n")
print(f"{len(recs)} records -> {out}")
PY
