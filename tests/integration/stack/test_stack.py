#!/usr/bin/env python3
"""The deployed stack, end to end, with the project's own script (scripts/stack.sh):

  up (fetches the pinned jars the first time) -> status -> up again (idempotent)
  -> schema/oltp.sql into PostgreSQL -> register the Debezium connector (stack.sh connector)
  -> one transaction with inserts, updates and a delete over three tables, then an insert and
     a TRUNCATE -> read every topic back with Kafka's console consumer
  -> exact change events (op, key, values, transaction order), BEGIN/END with event_count,
     the truncate as op 't', and the envelope's keys equal to the real captures
     (tests/golden/debezium/, copied from a live 3.7.0.Final stack) -> down.

The stack runs in a temporary folder on free ports, so a developer's own `stack.sh up` is not
touched. Exit 77 (skipped) when Java, Maven, PostgreSQL 15 or ClickHouse are not installed,
except under CI=true, where that is a failure.

usage: test_stack.py SOURCE_DIR
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../.."))
STACK = os.path.join(ROOT, "scripts", "stack.sh")
PGBIN = "/usr/lib/postgresql/15/bin"
PSQL = os.path.join(PGBIN, "psql") if os.path.exists(os.path.join(PGBIN, "psql")) else "/usr/bin/psql"
GOLDEN = os.path.join(ROOT, "tests", "golden", "debezium")
PREFIX = "tote_it"
CONNECTOR = "tote_it"
DATABASE = "tote"

failures = []


def check(cond, what):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}")
        failures.append(what)
    return cond


def missing_tools():
    missing = [t for t in ("java", "mvn", "curl") if shutil.which(t) is None]
    if not os.path.exists(os.path.join(PGBIN, "initdb")):
        missing.append("postgresql-15")
    if shutil.which("clickhouse-server") is None and not os.path.exists("/usr/sbin/clickhouse-server"):
        missing.append("clickhouse-server")
    return missing


def free_port(pair=False):
    """A free loopback port (with pair=True: port and port+1 both free)."""
    for _ in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if not pair or port >= 65535:
            if not pair:
                return port
            continue
        t = socket.socket()
        try:
            t.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            t.close()
    raise RuntimeError("no free port pair")


def run(args, env, timeout, check_rc=True):
    t0 = time.monotonic()
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    dt = time.monotonic() - t0
    if check_rc and p.returncode != 0:
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        raise SystemExit(f"FAIL: {' '.join(args[:3])} ... exited {p.returncode} after {dt:.1f} s")
    return p, dt


def psql(env, port, sql=None, file=None):
    args = [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
            "-d", DATABASE, "-At"]
    args += ["-f", file] if file else ["-c", sql]
    return run(args, env, 60)[0].stdout


def consume_once(env, max_messages, idle_ms):
    """One read of the prefix's topics from the beginning with a new consumer group: a list of
    ((partition, offset, key text, value text), key, value)."""
    p, dt = run([STACK, "consume", f"^{PREFIX}\\..*", "--max-messages", str(max_messages),
                 "--timeout-ms", str(idle_ms), "--command-property", "metadata.max.age.ms=500",
                 "--formatter-property", "key.separator=\t", "--formatter-property", "print.partition=true",
                 "--formatter-property", "print.offset=true"], env, 180, check_rc=False)
    records = []
    for line in p.stdout.splitlines():
        fields = line.split("\t")  # JSON never holds a raw tab
        if len(fields) != 4 or not fields[0].startswith("Partition:") or not fields[1].startswith("Offset:"):
            continue  # tool messages
        k, v = fields[2], fields[3]
        records.append(((fields[0], fields[1], k, v), None if k == "null" else json.loads(k),
                        None if v == "null" else json.loads(v)))
    return records, dt


def consume(env, expected, idle_ms):
    """Every record of the prefix's topics, each once. A regex subscription rebalances when a topic
    appears, and a group that has not committed yet then reads a partition again from the start,
    so the same record can come twice: records are told apart by (partition, offset, key, value),
    and a read that saw fewer than `expected` distinct records is repeated with a new group."""
    seen = {}
    total = 0.0
    for _ in range(3):
        records, dt = consume_once(env, expected, idle_ms)
        total += dt
        for ident, k, v in records:
            seen.setdefault(ident, (k, v))
        if len(seen) >= expected:
            break
    return list(seen.values()), total


def golden(name):
    with open(os.path.join(GOLDEN, name)) as f:
        return [json.loads(line) for line in f if line.strip()]


def table_of(key, value):
    """The table (or 'transaction') a record belongs to, from its schemas (schemas are on)."""
    if value is not None:
        name = value["schema"].get("name", "")
        if name == "io.debezium.connector.common.TransactionMetadataValue":
            return "transaction"
        return name.split(".")[-2]  # <prefix>.public.<table>.Envelope
    return key["schema"]["name"].split(".")[-2]  # tombstone: <prefix>.public.<table>.Key


def main():
    missing = missing_tools()
    if missing:
        msg = f"not installed: {', '.join(missing)} (scripts/install-deps.sh installs them)"
        if os.environ.get("CI") == "true":
            print("FAIL: " + msg)
            return 1
        print("SKIP: " + msg)
        return 77

    work = tempfile.mkdtemp(prefix="tote-stack-test-")
    os.chmod(work, 0o755)  # PostgreSQL runs as the postgres user under root
    ch = free_port(pair=True)
    ports = {"TOTE_CLICKHOUSE_PORT": ch}
    taken = {ch, ch + 1}
    for var in ("TOTE_PG_PORT", "TOTE_KAFKA_PORT", "TOTE_KAFKA_CONTROLLER_PORT", "TOTE_CONNECT_PORT"):
        p = free_port()
        while p in taken:
            p = free_port()
        taken.add(p)
        ports[var] = p
    env = dict(os.environ, TOTE_STACK_DIR=os.path.join(work, "stack"), TOTE_STACK_TIMEOUT="150",
               **{k: str(v) for k, v in ports.items()})
    t_start = time.monotonic()
    try:
        p, dt = run([STACK, "up"], env, 600)
        print(p.stdout, end="")
        print(f"stack up (incl. any first fetch) in {dt:.1f} s")
        for svc in ("postgres", "clickhouse", "kafka", "connect"):
            check(f"stack: {svc} healthy" in p.stdout, f"up reports {svc} healthy")

        p, _ = run([STACK, "status"], env, 60, check_rc=False)
        print(p.stdout, end="")
        check(p.returncode == 0 and p.stdout.count("healthy") == 4, "status: four services healthy")

        p, dt = run([STACK, "up"], env, 120)
        check(p.stdout.count("already running") == 4, f"up twice is fine ({dt:.1f} s, nothing restarted)")

        p, _ = run([STACK, "env"], env, 30)
        endpoints = dict(line.split("=", 1) for line in p.stdout.split())
        ch_url = endpoints.get("TOTE_STACK_CLICKHOUSE_URL", "")
        check(ch_url == f"http://127.0.0.1:{ch}", f"env prints the ClickHouse URL {ch_url}")
        version = subprocess.run(["curl", "-sf", "--max-time", "10", "--data-binary", "SELECT version()", ch_url],
                                 capture_output=True, text=True).stdout.strip()
        check(version.startswith("18.16."), f"ClickHouse server version {version}")
        check(endpoints.get("TOTE_STACK_KAFKA") == f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}", "env prints the broker")

        psql(env, ports["TOTE_PG_PORT"], file=os.path.join(ROOT, "schema", "oltp.sql"))
        check(psql(env, ports["TOTE_PG_PORT"], "SHOW wal_level").strip() == "logical", "PostgreSQL wal_level=logical")

        p, dt = run([STACK, "connector", CONNECTOR, DATABASE, PREFIX], env, 300)
        print(p.stdout, end="")
        check(f"connector {CONNECTOR} RUNNING" in p.stdout, f"connector RUNNING after {dt:.1f} s")
        for setting in ("plugin.name = pgoutput", "provide.transaction.metadata = true",
                        "skipped.operations = none", "decimal.handling.mode = string",
                        f"topic.prefix = {PREFIX}", "value.converter.schemas.enable = true"):
            check(f"  {setting}\n" in p.stdout, f"connector config reports {setting}")

        # One transaction: inserts, updates and a delete over three tables (7 change events).
        psql(env, ports["TOTE_PG_PORT"], """
BEGIN;
INSERT INTO players (id, country, currency, channel, registered_at, status) VALUES
  (1, 'UG', 'UGX', 'app', '2026-11-29T10:00:00Z', 'active'),
  (2, 'KE', 'KES', 'web', '2026-11-29T10:01:00Z', 'active');
INSERT INTO bets (id, player_id, type, stake_minor, currency, total_odds, potential_payout_minor, status,
                  placed_at, channel)
  VALUES (10, 1, 'single', 5000, 'UGX', 2.5, 12500, 'open', '2026-11-29T10:02:00Z', 'app');
INSERT INTO bet_legs (bet_id, leg_no, selection_id, odds_taken) VALUES (10, 1, 100, 2.5);
UPDATE bets SET status = 'won', payout_minor = 12500, settled_at = '2026-11-29T12:00:00.5Z' WHERE id = 10;
UPDATE bet_legs SET result = 'win' WHERE bet_id = 10 AND leg_no = 1;
DELETE FROM players WHERE id = 2;
COMMIT;
""")
        # Then a row into the staging table and its TRUNCATE (op 't' needs skipped.operations=none).
        psql(env, ports["TOTE_PG_PORT"], "INSERT INTO odds_staging (id, selection_id, odds) VALUES (1, 100, 2.75)")
        psql(env, ports["TOTE_PG_PORT"], "TRUNCATE odds_staging")

        # 7 events + 1 tombstone + BEGIN/END; 1 insert + BEGIN/END; 1 truncate + BEGIN/END.
        expected_total = 16
        records, dt = consume(env, expected_total, 90000)
        check(len(records) == expected_total, f"{len(records)} records read back in {dt:.1f} s (expected {expected_total})")
        # Read everything again with a new group and a short idle time: nothing more is there.
        again, dt = consume_once(env, expected_total + 1, 10000)
        again = {ident for ident, _, _ in again}
        check(len(again) == expected_total, f"re-read finds exactly {len(again)} records, no extra ({dt:.1f} s)")

        verify(records)
    finally:
        p, _ = run([STACK, "down"], env, 180, check_rc=False)
        print(p.stdout, end="")
        check(p.returncode == 0, "stack down")
        p, _ = run([STACK, "status"], env, 60, check_rc=False)
        check(p.stdout.count("stopped") == 4, "status after down: four services stopped")
        if not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work} for inspection (logs under stack/)")
    print(f"stack test took {time.monotonic() - t_start:.1f} s")
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s)")
    return 1 if failures else 0


def verify(records):
    by_table = {}
    for k, v in records:
        by_table.setdefault(table_of(k, v), []).append((k, v))
    tx = [v["payload"] for _, v in by_table.get("transaction", [])]
    data = [(t, k, v) for t, recs in by_table.items() if t != "transaction" for k, v in recs]

    # ---- the main transaction: the 7 change events, by transaction order
    players = [(k["payload"], v and v["payload"]) for k, v in by_table.get("players", [])]
    main_tx = {v["payload"]["source"]["txId"] for t, k, v in data if v and t in ("players", "bets", "bet_legs")}
    check(len(main_tx) == 1, f"the 7 change events share one source.txId ({sorted(main_tx)})")
    txid = next(iter(main_tx)) if main_tx else None
    events = sorted((v["payload"] for t, k, v in data if v and v["payload"]["source"]["txId"] == txid),
                    key=lambda p: p["transaction"]["total_order"])
    got = [(p["source"]["table"], p["op"], p["transaction"]["total_order"], p["transaction"]["data_collection_order"])
           for p in events]
    want = [("players", "c", 1, 1), ("players", "c", 2, 2), ("bets", "c", 3, 1), ("bet_legs", "c", 4, 1),
            ("bets", "u", 5, 2), ("bet_legs", "u", 6, 2), ("players", "d", 7, 3)]
    check(got == want, f"ops in transaction order {got}")
    check(all(p["transaction"]["id"].split(":")[0] == str(txid) for p in events),
          "transaction.id is '<txId>:<lsn>' on every record")
    check(len({p["source"]["ts_ms"] for p in events}) == 1, "source.ts_ms (commit time) equal on every record")

    def after(table, op):
        return [p["after"] for p in events if p["source"]["table"] == table and p["op"] == op]

    check(after("players", "c") == [
        {"id": 1, "country": "UG", "currency": "UGX", "channel": "app",
         "registered_at": "2026-11-29T10:00:00.000000Z", "status": "active", "kyc_note": None},
        {"id": 2, "country": "KE", "currency": "KES", "channel": "web",
         "registered_at": "2026-11-29T10:01:00.000000Z", "status": "active", "kyc_note": None}],
        "players inserts: exact values")
    bet_open = {"id": 10, "player_id": 1, "type": "single", "stake_minor": 5000, "currency": "UGX",
                "total_odds": "2.5000", "potential_payout_minor": 12500, "status": "open", "payout_minor": None,
                "placed_at": "2026-11-29T10:02:00.000000Z", "settled_at": None, "channel": "app"}
    check(after("bets", "c") == [bet_open], "bets insert: exact values (numeric(14,4) as the string '2.5000')")
    check(after("bets", "u") == [dict(bet_open, status="won", payout_minor=12500,
                                      settled_at="2026-11-29T12:00:00.500000Z")], "bets update: exact values")
    leg = {"bet_id": 10, "leg_no": 1, "selection_id": 100, "odds_taken": "2.5000", "result": None}
    check(after("bet_legs", "c") == [leg], "bet_legs insert: exact values")
    check(after("bet_legs", "u") == [dict(leg, result="win")], "bet_legs update: exact values")
    deletes = [p for p in events if p["op"] == "d"]
    check(len(deletes) == 1 and deletes[0]["after"] is None and deletes[0]["before"]["id"] == 2,
          "players delete: before has the key 2, after is null")
    check([k for k, v in players] == [{"id": 1}, {"id": 2}, {"id": 2}, {"id": 2}],
          f"players keys in topic order {[k for k, v in players]}")
    check(players and players[-1][1] is None, "the delete is followed by its tombstone (null value)")
    check([k["payload"] for k, v in by_table.get("bet_legs", [])] == [{"bet_id": 10, "leg_no": 1}] * 2,
          "bet_legs keys are the composite key")
    check([k["payload"] for k, v in by_table.get("bets", [])] == [{"id": 10}] * 2, "bets keys")

    # ---- BEGIN / END
    def marks(t):
        return [p for p in tx if p["id"].split(":")[0] == str(t)]

    m = marks(txid)
    check([p["status"] for p in m] == ["BEGIN", "END"], f"BEGIN then END for txId {txid}")
    if len(m) == 2:
        check(m[0]["event_count"] is None and m[0]["data_collections"] is None, "BEGIN: event_count null")
        check(m[1]["event_count"] == 7, f"END: event_count {m[1]['event_count']} (expected 7)")
        check(sorted((d["data_collection"], d["event_count"]) for d in m[1]["data_collections"] or []) ==
              [("public.bet_legs", 2), ("public.bets", 2), ("public.players", 3)], "END: per-table event counts")
        check(m[0]["id"] != m[1]["id"], "BEGIN's and END's ids differ (group by txId, never by the id string)")

    # ---- the insert into odds_staging and the truncate, each in its own transaction
    staging = [(k, v["payload"]) for k, v in by_table.get("odds_staging", [])]
    check([p["op"] for _, p in staging] == ["c", "t"], f"odds_staging: insert then truncate {[p['op'] for _, p in staging]}")
    if len(staging) == 2:
        check(staging[0][1]["after"] == {"id": 1, "selection_id": 100, "odds": "2.7500",
                                         "received_at": staging[0][1]["after"]["received_at"]},
              "odds_staging insert: exact values")
        k, t = staging[1]
        check(k is None and t["before"] is None and t["after"] is None, "truncate: null key, before and after")
        mt = marks(t["source"]["txId"])
        check([p["status"] for p in mt] == ["BEGIN", "END"] and mt[1]["event_count"] == 1,
              "truncate's transaction: BEGIN/END with event_count 1")
    check(len(tx) == 6, f"{len(tx)} transaction records (3 transactions)")

    # ---- the envelope's keys equal the real captures, field for field
    real_tx = golden("c_transaction.jsonl")
    real_values = [json.loads(r["value"]) for r in real_tx if r["value"] and not r["topic"].endswith(".transaction")]
    real_marks = [json.loads(r["value"]) for r in real_tx if r["topic"].endswith(".transaction")]
    real_trunc = [json.loads(r["value"]) for r in golden("f_truncate.jsonl")
                  if r["value"] and json.loads(r["value"])["payload"].get("op") == "t"]
    ours = [v for t, k, v in data if v]
    check(all(list(v) == list(real_values[0]) for v in ours), f"top-level keys {list(real_values[0])}")
    check(all(list(v["payload"]) == list(real_values[0]["payload"]) for v in ours),
          f"payload keys {list(real_values[0]['payload'])}")
    check(all(list(v["payload"]["source"]) == list(real_values[0]["payload"]["source"]) for v in ours),
          f"source keys {list(real_values[0]['payload']['source'])}")
    check(all(list(v["payload"]["transaction"]) == list(real_values[0]["payload"]["transaction"])
              for v in ours if v["payload"]["op"] != "r"),
          f"transaction block keys {list(real_values[0]['payload']['transaction'])}")
    check(all(list(p) == list(real_marks[0]["payload"]) for p in tx),
          f"BEGIN/END keys {list(real_marks[0]['payload'])}")
    check(real_trunc and list(staging[-1][1]) == list(real_trunc[0]["payload"]) if staging else False,
          "truncate payload keys as captured")
    src = ours[0]["payload"]["source"] if ours else {}
    real_src = real_values[0]["payload"]["source"]
    check(src.get("connector") == real_src["connector"] == "postgresql" and src.get("version") == real_src["version"],
          f"source.version {src.get('version')} (captures: {real_src['version']})")
    check(src.get("name") == PREFIX and src.get("db") == DATABASE and src.get("schema") == "public",
          "source.name/db/schema")


if __name__ == "__main__":
    sys.exit(main())
