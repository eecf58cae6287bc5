#!/usr/bin/env python3
"""Joining an existing database (issue 14, item 5), on the project's stack (scripts/stack.sh, in a
temporary folder on free ports): PostgreSQL 15 -> Debezium 3.7 on Kafka Connect 4.4 -> Kafka 4.4
-> `tote ingest --kafka` -> the embedded warehouse.

  1. `tote simulate --oltp URL --create-schema` fills PostgreSQL with no connector at all
     (~20k bets);
  2. `tote simulate --oltp URL --continue --connect-url C` registers the connector (Debezium's
     initial snapshot: op r, every row at one source position, no transaction metadata, the
     boundary markers) and goes on committing live transactions at once, so they commit while
     the snapshot is read and stream after it;
  3. `tote ingest --kafka-brokers B --kafka-topic tote.all`, repeated while Debezium still
     publishes, until `tote reconcile --oltp URL` is exact (120 s deadline), then:
     - the snapshot landed: land_bets holds exactly the filled bets as op r rows, and the live
       part's bets as streamed creates (nothing before the snapshot is missing, nothing twice);
     - `tote reconcile --oltp URL`: RECONCILED exact (ledger, live rows, facts, KPIs);
     - `tote reconcile` against the ground truth of both runs: exact;
     - fact_bet holds one row per bet of the database (no duplicate ids), its statuses and
       stakes equal the database's, and the bet KPIs (count, turnover, open liability per
       placement day x currency; settled turnover and payouts per settlement day x currency)
       and the cash KPIs (deposits, withdrawals per ledger day x currency) equal the database's
       by SQL on both sides.
Exit 77 (skipped) when Java, Maven or PostgreSQL 15 are missing, except under CI=true.

usage: test_join_existing_oltp.py TOTE_BINARY SOURCE_DIR
"""
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
SIM = ["--players", "2000", "--events", "100", "--anomaly-rate", "0.02", "--seed", "11",
       "--no-sync-commit"]
TABLES = ["sports", "competitions", "events", "markets", "selections", "players",
          "wallet_transactions", "fx_rates", "bets", "bet_legs", "odds_staging"]
FILL_EVENTS = 150000
LIVE_EVENTS = 10000


def main():
    code = missing_tools_exit(("java", "mvn", "curl"), () if installed() else ("postgresql-15",))
    if code is not None:
        return code

    work = tempfile.mkdtemp(prefix="tote-join-")
    os.chmod(work, 0o755)  # PostgreSQL runs as the postgres user under root
    ports, env = stack_env(work)
    pg = f"postgresql://postgres@127.0.0.1:{ports['TOTE_PG_PORT']}/tote"
    connect = f"http://127.0.0.1:{ports['TOTE_CONNECT_PORT']}"
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    data = os.path.join(work, "tote")

    def psql(sql):
        out = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h",
                              "127.0.0.1", "-p", str(ports["TOTE_PG_PORT"]), "-U", "postgres", "-d",
                              "tote", "-c", sql], check=True, capture_output=True, text=True).stdout
        return sorted(tuple(line.split("\t")) for line in out.splitlines())

    def query(sql):
        out = run([TOTE, "--data-dir", data, "query", "--format", "TabSeparated", sql]).stdout
        return sorted(tuple(line.split("\t")) for line in out.splitlines())

    t_start = time.monotonic()
    try:
        run([STACK, "up", "postgres", "kafka", "connect"], env, 600)

        # 1. The database fills up while nothing captures it.
        p = run([TOTE, "--data-dir", data, "simulate", "--oltp", pg, "--create-schema",
                 "--max-events", str(FILL_EVENTS), *SIM], timeout=600)
        print(p.stdout.strip())
        filled_bets = int(psql("SELECT count(*) FROM bets")[0][0])
        check(filled_bets >= 15000, f"PostgreSQL holds {filled_bets} bets before any connector")
        check(psql("SELECT count(*) FROM pg_replication_slots") == [("0",)],
              "no replication slot yet: nothing captured the fill")
        filled_rows = sum(int(psql(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES)

        # 2. The connector joins (initial snapshot) while live traffic goes on.
        p = run([TOTE, "--data-dir", data, "simulate", "--oltp", pg, "--continue", "--connect-url",
                 connect, "--max-events", str(FILL_EVENTS + LIVE_EVENTS), "--rate", "4000", *SIM],
                timeout=600)
        print(p.stdout.strip())
        check(f"registered Debezium connector tote on {connect}: RUNNING" in p.stdout,
              "the connector is registered on the filled database")
        check("continuing the earlier run" in p.stdout and "row counts match" in p.stdout,
              "simulate --continue regenerated the fill and found the database's rows match")
        total_bets = int(psql("SELECT count(*) FROM bets")[0][0])
        check(total_bets > filled_bets, f"the live part placed {total_bets - filled_bets} bets")

        # 3. Ingest until reconcile --oltp is exact (Debezium publishes asynchronously).
        oltp = ["reconcile", "--consumer", "kafka:tote.all:0", "--oltp", pg]
        deadline = time.monotonic() + 120
        exact, last, ingest_s, snapshot_reads, changes = False, None, 0.0, 0, 0
        while True:
            t0 = time.monotonic()
            p = run([TOTE, "--data-dir", data, "ingest", "--kafka-brokers", brokers, "--kafka-topic",
                     "tote.all"], timeout=600)
            ingest_s += time.monotonic() - t0
            print(p.stdout.strip())
            m = re.search(r"^snapshot: ([\d,]+) of the changes are rows read by a Debezium snapshot",
                          p.stdout, re.M)
            snapshot_reads += int(m.group(1).replace(",", "")) if m else 0
            m = re.search(r"^ingested [\d,]+ records \(([\d,]+) changes", p.stdout, re.M)
            changes += int(m.group(1).replace(",", "")) if m else 0
            last = run([TOTE, "--data-dir", data, *oltp], expect_rc=None)
            if last.returncode == 0 and "RECONCILED: exact" in last.stdout:
                exact = True
                break
            if time.monotonic() > deadline:
                break
        print(last.stdout)
        check(exact, "tote reconcile --oltp: the warehouse equals the database (ledger, live rows, "
                     "facts, KPIs)")

        # The snapshot landed whole as snapshot reads, the live part as streamed changes, each
        # once: no gap between them, nothing twice.
        check(snapshot_reads == filled_rows,
              f"ingest landed {snapshot_reads} snapshot reads: every row of the filled database "
              f"({filled_rows}) once")
        # The streamed part is judged by reconcile --oltp (every row once, the same values); the
        # simulator's own count of the live part also counts what Debezium would re-deliver.
        check(0 < changes - snapshot_reads <= LIVE_EVENTS,
              f"and {changes - snapshot_reads} streamed changes (the simulator counted "
              f"{LIVE_EVENTS} change events for the live part, its re-deliveries included)")

        r = run([TOTE, "--data-dir", data, "reconcile", "--consumer", "kafka:tote.all:0"],
                expect_rc=None)
        print(r.stdout)
        check(r.returncode == 0 and "RECONCILED: exact" in r.stdout,
              "tote reconcile against the ground truth of both runs is exact")

        # fact_bet: one row per bet of the database, the same status and stake.
        (rows, ids), = query("SELECT count(), uniqExact(bet_id) FROM tote.fact_bet FINAL")
        check(int(rows) == int(ids) == total_bets,
              f"fact_bet holds {rows} rows for {ids} bet ids; the database {total_bets} bets")
        fact = query("SELECT status, currency, count(), sum(stake_minor) FROM tote.fact_bet FINAL "
                     "GROUP BY status, currency")
        db = psql("SELECT status, currency, count(*), sum(stake_minor) FROM bets "
                  "GROUP BY status, currency")
        check(fact == db, f"fact_bet per status x currency equals bets ({len(db)} groups)")

        # KPIs per day x currency, SQL on both sides.
        kpi = "SELECT toString(toDate(hour)), currency, {cols} FROM tote.kpi_hourly_contrib FINAL " \
              "WHERE fact = '{fact}' GROUP BY 1, 2 HAVING {nz} ORDER BY 1, 2"
        day = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        placed = query(kpi.format(cols="sum(sign * bets), sum(sign * turnover_minor), "
                                       "sum(sign * open_liability_minor)", fact="bet",
                                  nz="sum(sign * bets) != 0"))
        db = psql(f"SELECT {day.format('placed_at')}, currency, count(*), sum(stake_minor), "
                  "coalesce(sum(potential_payout_minor - stake_minor) FILTER (WHERE status = "
                  "'open'), 0) FROM bets WHERE status <> 'void' GROUP BY 1, 2")
        check(placed == db and len(db) > 0,
              f"bets, turnover and open liability per placement day x currency equal the "
              f"database's ({len(db)} groups)")
        settled = query(kpi.format(cols="sum(sign * settled_turnover_minor), "
                                        "sum(sign * payouts_minor)", fact="bet",
                                   nz="sum(sign * settled_turnover_minor) != 0 OR "
                                      "sum(sign * payouts_minor) != 0"))
        db = psql(f"SELECT {day.format('settled_at')}, currency, sum(stake_minor), "
                  "sum(coalesce(payout_minor, 0)) FROM bets WHERE status IN ('won', 'lost', "
                  "'cashed_out') GROUP BY 1, 2")
        check(settled == db and len(db) > 0,
              f"settled turnover and payouts per settlement day x currency equal the database's "
              f"({len(db)} groups)")
        cash = query(kpi.format(cols="sum(sign * deposits_minor), sum(sign * withdrawals_minor)",
                                fact="wallet", nz="sum(sign * deposits_minor) != 0 OR "
                                                  "sum(sign * withdrawals_minor) != 0"))
        db = psql(f"SELECT * FROM (SELECT {day.format('created_at')} d, currency, "
                  "coalesce(sum(amount_minor) FILTER (WHERE type = 'deposit'), 0) dep, "
                  "coalesce(-sum(amount_minor) FILTER (WHERE type = 'withdrawal'), 0) wd "
                  "FROM wallet_transactions WHERE status = 'completed' GROUP BY 1, 2) x "
                  "WHERE dep <> 0 OR wd <> 0")
        check(cash == db and len(db) > 0,
              f"deposits and withdrawals per ledger day x currency equal the database's "
              f"({len(db)} groups)")
        print(f"info: ingest runs took {ingest_s:.1f} s in all")
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
