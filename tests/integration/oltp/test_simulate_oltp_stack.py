#!/usr/bin/env python3
"""The deployed chain on the project's stack (scripts/stack.sh, in a temporary folder on free
ports): PostgreSQL 15 -> Debezium 3.7 on Kafka Connect 4.4 -> Kafka 4.4 -> `tote ingest --kafka`
-> the embedded warehouse -> `tote reconcile`, driven by `tote simulate --oltp`.

  1. a connector that exists with settings tote cannot read is refused, each wrong setting named;
  2. `tote simulate --oltp URL --create-schema --connect-url URL` registers the connector (RUNNING,
     slot tote_tote, every table routed into tote.all) and commits the workload;
  2b. the same again: the connector is checked and found right, the used database refused;
  3. a second database against the same connector: its database.dbname is named as wrong;
  4. `tote ingest --kafka-brokers B --kafka-topic tote.all` then `tote reconcile --consumer
     kafka:tote.all:0` against the OLTP run's ground truth: RECONCILED exact (ledger, live rows,
     facts, KPIs, anomalies). Debezium publishes asynchronously and writes no end marker, so
     ingest + reconcile repeat while the topic still grows, until exact or a 120 s deadline;
  5. `tote reconcile --oltp URL` (the database's own figures by SQL) is exact too;
  6. a wallet row's amount changed, another deleted and a bet's payout changed in PostgreSQL:
     reconcile --oltp exits 1 naming the three rows (key, amounts, day, currency, type);
  7. after Debezium carries both changes and tote ingests them: exact again.
Exit 77 (skipped) when Java, Maven or PostgreSQL 15 are missing, except under CI=true.

usage: test_simulate_oltp_stack.py TOTE_BINARY SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres_cluster import PSQL, installed  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stack_env import check, curl, failures, missing_tools_exit, run, stack_env  # noqa: E402,F401

TOTE = sys.argv[1]
ROOT = sys.argv[2]
STACK = os.path.join(ROOT, "scripts", "stack.sh")
FLAGS = ["--max-events", "20000", "--players", "500", "--events", "50", "--anomaly-rate", "0.05",
         "--bets-per-second", "0.05", "--no-sync-commit"]


def psql_rows(ports, sql):
    out = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h",
                          "127.0.0.1", "-p", str(ports["TOTE_PG_PORT"]), "-U", "postgres", "-d",
                          "tote", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def main():
    code = missing_tools_exit(("java", "mvn", "curl"), () if installed() else ("postgresql-15",))
    if code is not None:
        return code

    work = tempfile.mkdtemp(prefix="tote-oltp-stack-")
    os.chmod(work, 0o755)  # PostgreSQL runs as the postgres user under root
    ports, env = stack_env(work)
    pg = f"postgresql://postgres@127.0.0.1:{ports['TOTE_PG_PORT']}"
    connect = f"http://127.0.0.1:{ports['TOTE_CONNECT_PORT']}"
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    data = os.path.join(work, "tote")
    t_start = time.monotonic()
    try:
        run([STACK, "up", "postgres", "kafka", "connect"], env, 600)

        # 1. A connector with settings tote cannot read, created STOPPED (KIP-980) so it never
        # captures anything: refused, each wrong setting named.
        code, body = curl("POST", f"{connect}/connectors", {"name": "wrong", "initial_state": "STOPPED", "config": {
            "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
            "database.hostname": "127.0.0.1", "database.port": str(ports["TOTE_PG_PORT"]),
            "database.user": "postgres", "database.dbname": "tote", "topic.prefix": "wrong",
            "plugin.name": "pgoutput", "slot.name": "wrong", "decimal.handling.mode": "double"}})
        print(body[:300])
        check(code in (200, 201), f"a wrong connector registered directly (HTTP {code})")
        p = run([TOTE, "--data-dir", data, "simulate", "--oltp", f"{pg}/tote", "--create-schema",
                 "--connect-url", connect, "--connector-name", "wrong", *FLAGS], expect_rc=2)
        err = p.stderr
        check("connector wrong on " + connect + " exists with settings tote cannot read exactly" in err
              and "decimal.handling.mode is 'double', tote needs 'string'" in err
              and "skipped.operations is not set, tote needs 'none'" in err
              and "provide.transaction.metadata is not set, tote needs 'true'" in err
              and "topic.prefix is 'wrong', tote needs 'tote'" in err
              and "transforms.route.replacement is not set, tote needs 'tote.all'" in err
              and f"curl -X DELETE {connect}/connectors/wrong" in err,
              "an existing connector with wrong settings: each named with the value tote needs")
        curl("DELETE", f"{connect}/connectors/wrong")

        # 2. Register and simulate.
        p = run([TOTE, "--data-dir", data, "simulate", "--oltp", f"{pg}/tote", "--create-schema",
                 "--connect-url", connect, *FLAGS], timeout=600)
        print(p.stdout.strip())
        check(f"registered Debezium connector tote on {connect}: RUNNING, slot tote_tote, every "
              "table and the transaction metadata in topic tote.all" in p.stdout,
              "the connector is registered and RUNNING")
        code, body = curl("GET", f"{connect}/connectors/tote/config")
        cfg = json.loads(body) if code == 200 else {}
        for k, v in (("plugin.name", "pgoutput"), ("provide.transaction.metadata", "true"),
                     ("skipped.operations", "none"), ("decimal.handling.mode", "string"),
                     ("value.converter.schemas.enable", "true"), ("database.dbname", "tote"),
                     ("transforms.route.replacement", "tote.all")):
            check(cfg.get(k) == v, f"connector setting {k} = {v} (is {cfg.get(k)})")
        with open(os.path.join(data, "ground_truth.json")) as f:
            truth = json.load(f)
        check(truth["log_offset"] == -1, "the OLTP run's ground truth has no log position (-1)")

        # 2b. Again against the same database: the connector is checked and found right, then
        # the database is refused because it holds the first run's rows.
        p = run([TOTE, "--data-dir", os.path.join(work, "again"), "simulate", "--oltp", f"{pg}/tote",
                 "--connect-url", connect, *FLAGS], expect_rc=2)
        check(f"checked Debezium connector tote on {connect}: RUNNING" in p.stdout and
              "table sports in PostgreSQL" in p.stderr and "already holds rows" in p.stderr,
              "an existing connector with the right settings is checked; a used database refused")

        # 3. Another database against the same connector: the database it captures is wrong.
        run([PSQL, "-X", "-q", "-h", "127.0.0.1", "-p", str(ports["TOTE_PG_PORT"]), "-U", "postgres",
             "-d", "tote", "-c", "CREATE DATABASE other"])
        p = run([TOTE, "--data-dir", os.path.join(work, "other"), "simulate", "--oltp", f"{pg}/other",
                 "--create-schema", "--connect-url", connect, *FLAGS], expect_rc=2)
        check("database.dbname is 'tote', tote needs 'other'" in p.stderr,
              "a connector capturing another database is named as wrong")

        # 4. Ingest and reconcile until exact (Debezium publishes asynchronously).
        deadline = time.monotonic() + 120
        ingested, exact, last = 0, False, None
        while True:
            p = run([TOTE, "--data-dir", data, "ingest", "--kafka-brokers", brokers, "--kafka-topic",
                     "tote.all"], timeout=300)
            m = re.search(r"warehouse at offset ([\d,]+)", p.stdout)
            ingested = int(m.group(1).replace(",", "")) if m else ingested
            r = run([TOTE, "--data-dir", data, "reconcile", "--consumer", "kafka:tote.all:0"],
                    expect_rc=None)
            last = r
            if r.returncode == 0 and "RECONCILED: exact" in r.stdout:
                exact = True
                break
            if time.monotonic() > deadline:
                break
        print(last.stdout)
        check(exact, f"tote reconcile of the Debezium chain against the OLTP ground truth is exact "
                     f"({ingested} Kafka records ingested)")
        check("checked against the ground truth" in last.stdout and "0 missed" in last.stdout,
              "facts and anomalies were checked")

        # 5. reconcile --oltp: the warehouse against the database's own figures, by SQL.
        oltp = ["reconcile", "--consumer", "kafka:tote.all:0", "--oltp", f"{pg}/tote"]
        r = run([TOTE, "--data-dir", data, *oltp], expect_rc=None)
        check(r.returncode == 0 and "RECONCILED: exact" in r.stdout and
              "cash-view and" in r.stdout, "tote reconcile --oltp is exact after the ingest")

        # 6. Two changes in the OLTP that the warehouse has not ingested yet: named row by row.
        rows = psql_rows(ports, "SELECT id, amount_minor, currency, to_char(created_at AT TIME ZONE "
                                "'UTC', 'YYYY-MM-DD') FROM wallet_transactions WHERE type = "
                                "'stake_debit' ORDER BY id LIMIT 2")
        (id1, amount1, cur1, day1), (id2, amount2, cur2, day2) = rows
        (bet, payout), = psql_rows(ports, "SELECT id, payout_minor FROM bets WHERE status = 'won' "
                                          "ORDER BY id LIMIT 1")
        psql_rows(ports, f"UPDATE wallet_transactions SET amount_minor = amount_minor - 7 WHERE id = {id1}; "
                         f"DELETE FROM wallet_transactions WHERE id = {id2}; "
                         f"UPDATE bets SET payout_minor = payout_minor + 5 WHERE id = {bet}")
        r = run([TOTE, "--data-dir", data, *oltp], expect_rc=1)
        check(f'DIFF: ledger {day1} {cur1} stake_debit: wallet_transactions {{"id":{id1}}} has amount '
              f'{int(amount1) - 7} in the source, {amount1} in the warehouse' in r.stdout,
              "reconcile --oltp names the row whose amount differs")
        check(f'DIFF: ledger {day2} {cur2} stake_debit: wallet_transactions {{"id":{id2}}} (amount '
              f'{amount2}) is in the warehouse, not in the source' in r.stdout,
              "reconcile --oltp names the row deleted in the source")
        line = next((l for l in r.stdout.splitlines() if l.startswith(f'DIFF: bets {{"id":{bet}}} is won|')), "")
        check(f"|{int(payout) + 5}|" in line.split(" in the source, ")[0] and
              f"|{payout}|" in line.split(" in the source, ")[-1],
              f"reconcile --oltp names the bet whose payout differs ({line})")

        # 7. Debezium captures them: ingest and reconcile --oltp until exact again.
        deadline = time.monotonic() + 120
        exact = False
        while time.monotonic() < deadline and not exact:
            run([TOTE, "--data-dir", data, "ingest", "--kafka-brokers", brokers, "--kafka-topic",
                 "tote.all"], timeout=300)
            r = run([TOTE, "--data-dir", data, *oltp], expect_rc=None)
            exact = r.returncode == 0 and "RECONCILED: exact" in r.stdout
        check(exact, "after the ingest of Debezium's three changes, reconcile --oltp is exact again")
    finally:
        p = run([STACK, "down"], env, 180, expect_rc=None)
        check(p.returncode == 0, "stack down")
        shutil.rmtree(work, ignore_errors=True)
    print(f"total {time.monotonic() - t_start:.1f} s")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
