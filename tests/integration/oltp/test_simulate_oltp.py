#!/usr/bin/env python3
"""`tote simulate --oltp` against a real PostgreSQL 15, checked exactly.

A throwaway cluster (wal_level=logical) on a free port; a logical replication slot with
PostgreSQL's test_decoding plugin records every committed transaction, as Debezium reads them.
Then `tote simulate --oltp URL --create-schema` for 50,000 change events (5% anomalous bets) and:
  - live rows per table = the simulator's ground truth;
  - the ledger per day x currency x type (count, signed sum) and per currency = the ground truth;
  - every placement is one transaction: exactly one bet INSERT with all its legs and its stake
    debit(s), and every stake debit is committed with its bet; every payout credit, refund or
    adjustment of a bet is committed with an UPDATE of that bet (settlement, cash-out,
    resettlement);
  - every injected anomaly of the ground truth is in the tables, and the kinds that can be
    counted from the tables alone are there exactly as often as injected;
  - the same flags into the embedded log give the identical ground truth (one generator), and
    that log ingested into the embedded warehouse reconciles exactly against the database by
    SQL (`tote reconcile --oltp`); a changed and a deleted wallet row are then named;
  - operator messages: schema missing (names psql -f schema/oltp.sql and --create-schema), a
    database that already holds rows, a server that cannot be reached (host, port, database).
Exit 77 (skipped) when PostgreSQL 15 is not installed, except under CI=true (a failure there).

usage: test_simulate_oltp.py TOTE_BINARY SOURCE_DIR
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres_cluster import PSQL, PostgresCluster, free_port, installed  # noqa: E402

TOTE = sys.argv[1]
FLAGS = ["--max-events", "50000", "--players", "500", "--events", "50", "--anomaly-rate", "0.05",
         "--seed", "7", "--bets-per-second", "0.05"]
TABLES = ["sports", "competitions", "events", "markets", "selections", "players",
          "wallet_transactions", "fx_rates", "bets", "bet_legs", "odds_staging"]

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def tote(data_dir, *args, expect_rc=0):
    cmd = [TOTE, "--data-dir", data_dir, *args]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    print(f"$ {' '.join(cmd)}  ({time.monotonic() - t0:.1f} s, exit {proc.returncode})")
    if expect_rc is not None and proc.returncode != expect_rc:
        sys.stderr.write(f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}\n")
        raise SystemExit(f"tote exited {proc.returncode}, expected {expect_rc}")
    return proc


FIELD = re.compile(r"(\w+)\[[^\]]+\]:('(?:[^']|'')*'|\S+)")


def decoded_transactions(pg):
    """[(xid, [(table, op, {column: value})])] from the test_decoding slot, in commit order."""
    txs, cur = [], None
    for (line,) in pg.psql("SELECT data FROM pg_logical_slot_get_changes('tote_test', NULL, NULL, "
                           "'include-xids', '1', 'skip-empty-xacts', '1')"):
        if line.startswith("BEGIN"):
            cur = (line.split()[1], [])
        elif line.startswith("COMMIT"):
            txs.append(cur)
            cur = None
        else:
            m = re.match(r"table public\.(\w+): (\w+):(.*)$", line)
            assert m, line
            cols = {k: v.strip("'") for k, v in FIELD.findall(m.group(3))}
            cur[1].append((m.group(1), m.group(2), cols))
    return txs


def check_transactions(pg):
    txs = decoded_transactions(pg)
    placements = bad_placements = 0
    debit_without_bet = credit_without_update = 0
    for xid, changes in txs:
        bet_inserts = [c for t, op, c in changes if t == "bets" and op == "INSERT"]
        leg_inserts = [c for t, op, c in changes if t == "bet_legs" and op == "INSERT"]
        wallet_inserts = [c for t, op, c in changes if t == "wallet_transactions" and op == "INSERT"]
        bet_updates = {c["id"] for t, op, c in changes if t == "bets" and op == "UPDATE"}
        if bet_inserts:
            placements += 1
            ids = {b["id"] for b in bet_inserts}
            debits = [w for w in wallet_inserts if w["type"] == "stake_debit"]
            if not (len(bet_inserts) == 1 and leg_inserts and debits
                    and all(l["bet_id"] in ids for l in leg_inserts)
                    and all(w["bet_id"] in ids for w in debits)
                    and len(changes) == 1 + len(leg_inserts) + len(debits)):
                bad_placements += 1
        for w in wallet_inserts:
            if w["type"] == "stake_debit" and not any(b["id"] == w["bet_id"] for b in bet_inserts):
                debit_without_bet += 1
            if w["type"] in ("payout_credit", "refund", "adjustment") and w["bet_id"] != "null" \
                    and w["bet_id"] not in bet_updates:
                credit_without_update += 1
    bets = int(pg.psql("SELECT count(*) FROM bets")[0][0])
    legs_of_placements = sum(1 for _, ch in txs for t, op, _c in ch if t == "bet_legs" and op == "INSERT")
    check(len(txs) > 1000, f"logical decoding saw {len(txs)} committed transactions")
    check(placements == bets, f"one placement transaction per bet ({placements} for {bets} bets)")
    check(bad_placements == 0,
          f"every placement transaction holds its bet, all its legs and its stake debit(s) and "
          f"nothing else ({bad_placements} do not)")
    legs = int(pg.psql("SELECT count(*) FROM bet_legs")[0][0])
    check(legs_of_placements == legs, f"every leg was inserted with its bet ({legs_of_placements} "
                                      f"leg inserts, {legs} legs)")
    check(debit_without_bet == 0, f"no stake debit committed apart from its bet ({debit_without_bet})")
    check(credit_without_update == 0,
          f"every payout credit / refund / adjustment of a bet is committed with an update of that "
          f"bet ({credit_without_update} are not)")
    kinds = collections.Counter(op for _, ch in txs for t, op, _c in ch)
    check(kinds["UPDATE"] > 0 and kinds["DELETE"] > 0 and kinds["TRUNCATE"] > 0,
          f"the stream holds updates, deletes and truncates ({dict(kinds)})")


def check_anomalies(pg, truth):
    by_kind = collections.defaultdict(list)
    for a in truth["anomalies"]:
        by_kind[a["kind"]].append(json.loads(a["key"]))
    check(len(by_kind) == 7, f"all 7 anomaly kinds were injected ({sorted(by_kind)})")

    def ids(kind):
        return sorted(k["id"] for k in by_kind[kind])

    def sql_ids(sql):
        return sorted(int(r[0]) for r in pg.psql(sql))

    check(ids("currency_mismatch") == sql_ids(
        "SELECT b.id FROM bets b JOIN players p ON p.id = b.player_id WHERE b.currency <> p.currency"),
        f"bets in another currency than the wallet's = the {len(by_kind['currency_mismatch'])} injected")
    check(ids("stake_debited_twice") == sql_ids(
        "SELECT bet_id FROM wallet_transactions WHERE type = 'stake_debit' GROUP BY bet_id "
        "HAVING count(*) > 1"),
        f"bets debited twice = the {len(by_kind['stake_debited_twice'])} injected")
    check(sorted((k["bet_id"], k["leg_no"]) for k in by_kind["leg_unknown_selection"]) == sorted(
        (int(a), int(b)) for a, b in pg.psql(
            "SELECT l.bet_id, l.leg_no FROM bet_legs l LEFT JOIN selections s "
            "ON s.id = l.selection_id WHERE s.id IS NULL")),
        f"legs on unknown selections = the {len(by_kind['leg_unknown_selection'])} injected")
    check(ids("negative_amount") == sql_ids(
        "SELECT id FROM wallet_transactions WHERE type = 'deposit' AND amount_minor <= 0"),
        f"deposits with a negative amount = the {len(by_kind['negative_amount'])} injected")
    # Kinds seen together with clean cases: each injected row must show it.
    settled_open = set(sql_ids(
        "SELECT DISTINCT b.id FROM bets b JOIN bet_legs l ON l.bet_id = b.id "
        "WHERE b.status <> 'open' AND l.result IS NULL"))
    check(set(ids("settled_with_open_leg")) <= settled_open,
          f"the {len(by_kind['settled_with_open_leg'])} bets settled with an open leg are so")
    no_credit = set(sql_ids(
        "SELECT b.id FROM bets b WHERE b.status = 'won' AND b.payout_minor > 0 AND NOT EXISTS "
        "(SELECT 1 FROM wallet_transactions w WHERE w.bet_id = b.id AND w.type = 'payout_credit')"))
    check(set(ids("payout_without_credit")) <= no_credit,
          f"the {len(by_kind['payout_without_credit'])} won bets without payout credit have none")
    finished = set(sql_ids(
        "SELECT DISTINCT l.bet_id FROM bet_legs l JOIN selections s ON s.id = l.selection_id "
        "JOIN markets m ON m.id = s.market_id JOIN events e ON e.id = m.event_id "
        "WHERE e.status = 'finished'"))
    check(set(ids("bet_on_finished_event")) <= finished,
          f"the {len(by_kind['bet_on_finished_event'])} bets on a finished event have such a leg")


def check_reconcile_oltp(pg, log_dir):
    """The embedded log of the same flags, ingested, against the PostgreSQL database by SQL:
    the same content by two roads; then a changed and a deleted row, named."""
    tote(log_dir, "ingest")
    r = tote(log_dir, "reconcile", "--oltp", pg.url(), expect_rc=None)
    check(r.returncode == 0 and "RECONCILED: exact" in r.stdout and "cash-view and" in r.stdout,
          "tote reconcile --oltp: the embedded warehouse of the same flags equals the database")
    (id1, amount1, cur1, day1), (id2, amount2, cur2, day2) = pg.psql(
        "SELECT id, amount_minor, currency, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
        "FROM wallet_transactions WHERE type = 'deposit' AND status = 'completed' ORDER BY id DESC "
        "LIMIT 2")
    pg.psql(f"UPDATE wallet_transactions SET amount_minor = amount_minor + 1 WHERE id = {id1}")
    pg.psql(f"DELETE FROM wallet_transactions WHERE id = {id2}")
    r = tote(log_dir, "reconcile", "--oltp", pg.url(), expect_rc=1)
    check(f'DIFF: ledger {day1} {cur1} deposit: wallet_transactions {{"id":{id1}}} has amount '
          f'{int(amount1) + 1} in the source, {amount1} in the warehouse' in r.stdout and
          f'DIFF: ledger {day2} {cur2} deposit: wallet_transactions {{"id":{id2}}} (amount '
          f'{amount2}) is in the warehouse, not in the source' in r.stdout and
          "DIFF: table wallet_transactions: expected" in r.stdout,
          "reconcile --oltp names the changed and the deleted ledger row")


def check_continue(pg, work, truth):
    """--continue: half the workload, then the rest in a second run, gives the database and the
    ground truth of one run; a run with other flags, another --data-dir or a database that does
    not match what was recorded is refused, saying why."""
    pg.psql("CREATE DATABASE split")
    d = os.path.join(work, "split")
    rest = FLAGS[2:]
    tote(d, "simulate", "--oltp", pg.url("split"), "--create-schema", "--max-events", "25000", *rest)
    p = tote(d, "simulate", "--oltp", pg.url("split"), "--max-events", "50000", *rest,
             expect_rc=2)
    check("already holds rows" in p.stderr and "add --continue" in p.stderr,
          "a filled database without --continue is refused, pointing at --continue")
    p = tote(d, "simulate", "--oltp", pg.url("split"), "--continue", "--max-events", "50000",
             *[a if a != "7" else "8" for a in rest], expect_rc=2)
    check("--continue: the earlier run" in p.stderr and "was made with seed=7, not seed=8" in p.stderr,
          "--continue with other simulator flags is refused, naming the flag")
    p = tote(os.path.join(work, "nowhere"), "simulate", "--oltp", pg.url("split"), "--continue",
             *rest, expect_rc=2)
    check("--continue: no record of an earlier `tote" in p.stderr and
          "oltp_simulate.progress: give the --data-dir of the run that filled" in p.stderr,
          "--continue with another --data-dir is refused")
    p = tote(d, "simulate", "--oltp", pg.url("split"), "--continue", "--max-events", "50000", *rest)
    print(p.stdout.strip())
    check("continuing the earlier run" in p.stdout, "--continue says it regenerated the earlier run")
    with open(os.path.join(d, "ground_truth.json")) as f:
        split = json.load(f)
    check(split == truth, "25,000 then --continue to 50,000 change events: the ground truth of one "
                          "50,000 run")
    for t in TABLES:
        digest = f"SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {t} t"
        check(pg.psql(digest, "split") == pg.psql(digest),
              f"{t}: the same rows as the database of one run")
    pg.psql("DELETE FROM bets WHERE id = (SELECT max(id) FROM bets)", "split")
    p = tote(d, "simulate", "--oltp", pg.url("split"), "--continue", "--max-events", "60000", *rest,
             expect_rc=2)
    check("cannot continue in PostgreSQL" in p.stderr and "bets has" in p.stderr,
          "--continue on a database that differs from the record is refused, naming the table")


def check_errors(pg, work):
    d = os.path.join(work, "errors")
    pg.psql("CREATE DATABASE empty")
    p = tote(d, "simulate", "--oltp", pg.url("empty"), "--max-events", "100", expect_rc=2)
    check("the OLTP schema is missing in PostgreSQL" in p.stderr and
          f"psql 'postgresql://postgres@127.0.0.1:{pg.port}/empty' -f schema/oltp.sql" in p.stderr
          and "--create-schema" in p.stderr, "a database without the schema: says to apply it")
    p = tote(d, "simulate", "--oltp", pg.url(), "--max-events", "100", expect_rc=2)
    check("already holds rows" in p.stderr and "table sports" in p.stderr,
          "a database that holds rows is refused, naming the table")
    port = free_port()
    p = tote(d, "simulate", "--oltp", f"postgresql://postgres@127.0.0.1:{port}/sportsbook",
             expect_rc=None)
    check(p.returncode != 0 and f"cannot connect to PostgreSQL (host 127.0.0.1 port {port} "
          "database sportsbook user postgres)" in p.stderr and "scripts/stack.sh up postgres" in p.stderr,
          "an unreachable server: host, port, database and what to do")


def main():
    if not installed():
        if os.environ.get("CI") == "true":
            print("FAIL: PostgreSQL 15 is not installed (scripts/install-deps.sh --tests)")
            return 1
        print("SKIP: PostgreSQL 15 binaries not found")
        return 77
    work = tempfile.mkdtemp(prefix="tote-oltp-test-")
    pg = PostgresCluster()
    try:
        pg.start()
        # Tables first (as an operator would), then the slot, then the workload.
        ddl = os.path.join(sys.argv[2], "schema", "oltp.sql")
        subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        str(pg.port), "-U", "postgres", "-d", "postgres", "-f", ddl], check=True)
        pg.psql("SELECT 1 FROM pg_create_logical_replication_slot('tote_test', 'test_decoding')")
        oltp_dir = os.path.join(work, "oltp")
        p = tote(oltp_dir, "simulate", "--oltp", pg.url(), *FLAGS)
        print(p.stdout.strip())
        m = re.search(r"committed ([\d,]+) initial rows and ([\d,]+) transactions", p.stdout)
        check(m is not None, "the summary line names initial rows and transactions")
        with open(os.path.join(oltp_dir, "ground_truth.json")) as f:
            truth = json.load(f)

        for t in TABLES:
            have = int(pg.psql(f"SELECT count(*) FROM {t}")[0][0])
            check(have == truth["table_rows"][t], f"{t}: {have} rows = ground truth {truth['table_rows'][t]}")

        ledger = {(r[0], r[1], r[2]): (int(r[3]), int(r[4])) for r in pg.psql(
            "SELECT (created_at AT TIME ZONE 'UTC')::date, currency, type, count(*), sum(amount_minor) "
            "FROM wallet_transactions GROUP BY 1, 2, 3")}
        expected = {(f["day"], f["currency"], f["type"]): (f["count"], f["sum_minor"])
                    for f in truth["ledger"]}
        check(ledger == expected, f"ledger per day x currency x type = ground truth ({len(expected)} groups)")
        per_currency = collections.Counter()
        for f in truth["ledger"]:
            per_currency[f["currency"]] += f["sum_minor"]
        have_currency = {r[0]: int(r[1]) for r in pg.psql(
            "SELECT currency, sum(amount_minor) FROM wallet_transactions GROUP BY 1")}
        check(have_currency == dict(per_currency),
              f"wallet sum per currency = ground truth ({len(per_currency)} currencies)")

        check_transactions(pg)
        check_anomalies(pg, truth)

        log_dir = os.path.join(work, "log")
        tote(log_dir, "simulate", *FLAGS)
        with open(os.path.join(log_dir, "ground_truth.json")) as f:
            embedded = json.load(f)
        check(truth["log_offset"] == -1, "the OLTP run's ground truth has no log position (-1)")
        embedded.pop("log_offset")
        truth.pop("log_offset")
        check(embedded == truth, "the embedded simulator with the same flags has the identical "
                                 "ground truth but for the log position (same generator, same "
                                 "content)")
        truth["log_offset"] = -1
        check_continue(pg, work, truth)
        check_reconcile_oltp(pg, log_dir)
        check_errors(pg, work)
    finally:
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
