#!/usr/bin/env python3
"""The MySQL/MariaDB path end to end on the project's stack (scripts/stack.sh in a temporary
folder on free ports): MariaDB 10.11 (row-based binlog, GTIDs) -> Debezium MariaDB connector
3.5.0 on Kafka Connect 4.1.1 -> Kafka 4.4 (one ordered topic tote.all) -> `tote ingest --kafka
--source-schema tote --mapping mappings/mariadb.yaml` -> the embedded warehouse.

  1. schema/oltp_mariadb.sql and a sportsbook's first rows (catalogue, FX rates, players with
     deposits, placed bets) are written before the connector: its snapshot reads them;
  2. `stack.sh connector-mariadb` registers it; more players, bet placements (bet, legs, stake
     debit in one transaction), withdrawals and settlements (results, won/lost bets, payout
     credits) are committed while it streams;
  3. once every record is in Kafka (the topic's end offset equals the count the workload implies),
     `tote ingest` reads the topic; then, against MariaDB's own tables by SQL (compare()):
     - every landed table has exactly MariaDB's live rows (count and key sum);
     - fact_wallet_transaction equals the ledger per currency x day x type to the minor unit
       (DECIMAL major units x 10^exponent), fact_bet the bets (count, stakes, payouts per
       currency and status), fact_bet_leg the legs;
     - the ETL log holds no mapping_error and no incomplete_transaction; no dead letters;
  4. `tote simulate --oltp mysql://.../sim` drives the simulator's workload (20,000 change events,
     injected anomalies included) into a second database while a second connector streams it;
     a sentinel row committed last tells when everything has landed (binlog order is commit
     order); then compare() again for that database;
  5. `tote reconcile --oltp mysql://... --mapping mappings/mariadb.yaml` is exact for both
     databases (ledger per day x currency x type, live rows, facts and KPIs against MariaDB's own
     figures), and names a ledger group once a row is changed in MariaDB (exit 1).
Exit 77 (skipped) when Java, Maven or MariaDB are missing, except under CI=true.

usage: test_mariadb_stack.py TOTE_BINARY SOURCE_DIR
"""
import os
import random
import re
from decimal import Decimal
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stack_env import missing_tools_exit, stack_env  # noqa: E402

TOTE = sys.argv[1]
ROOT = sys.argv[2]
STACK = os.path.join(ROOT, "scripts", "stack.sh")
MAPPING = os.path.join(ROOT, "mappings", "mariadb.yaml")
# ISO 4217 exponents of the simulator's currencies (src/simulate/oltp_state.h).
EXPONENT = {"NGN": 2, "KES": 2, "GHS": 2, "UGX": 0, "TZS": 2, "ZMW": 2, "RWF": 0, "XAF": 0}
failures = []
passed = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if cond:
        passed.append(what)
    if not cond:
        failures.append(what)
    return cond


def run(args, env=None, timeout=300, expect_rc=0, stdin=None):
    t0 = time.monotonic()
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, input=stdin)
    print(f"$ {' '.join(args)[:160]}  ({time.monotonic() - t0:.1f} s, exit {p.returncode})")
    if expect_rc is not None and p.returncode != expect_rc:
        sys.stderr.write(f"stdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}\n")
        raise SystemExit(f"FAIL: exit {p.returncode}, expected {expect_rc}")
    return p


def major(minor, currency):
    e = EXPONENT[currency]
    sign = "-" if minor < 0 else ""
    m = abs(minor)
    return f"{sign}{m // 10 ** e}.{(m % 10 ** e) * 10 ** (2 - e):02d}"


class Workload:
    """A small sportsbook, written as SQL transactions; counts the binlog row changes each one
    makes (every UPDATE changes its row, so each makes one row event)."""

    def __init__(self):
        self.rng = random.Random(16)
        self.players = {}   # id -> currency
        self.bets = {}      # id -> (player, currency, stake_minor, potential_minor, [(sel, odds_e4)])
        self.next_wallet = 1
        self.next_bet = 1
        self.selections = {}  # id -> (event, odds_e4)
        self.txs = []       # (sql, changes)

    def tx(self, statements, changes):
        self.txs.append(("START TRANSACTION;\n" + "\n".join(statements) + "\nCOMMIT;", changes))

    def catalogue(self):
        s, n = ["INSERT INTO sports VALUES (1, 'Football');",
                "INSERT INTO competitions VALUES (1, 1, 'NPFL', 'NG'), (2, 1, 'KPL', 'KE');"], 3
        sel = 1
        for ev in range(1, 7):
            s.append(f"INSERT INTO events VALUES ({ev}, {1 + ev % 2}, 'Home {ev}', 'Away {ev}', "
                     f"'2026-11-29 {12 + ev}:00:00', 1, NULL);")
            s.append(f"INSERT INTO markets VALUES ({ev}, {ev}, '1X2', NULL, 1);")
            n += 2
            for name in ("home", "draw", "away"):
                odds = self.rng.randint(11000, 45000)
                s.append(f"INSERT INTO selections VALUES ({sel}, {ev}, '{name}', {odds / 10000:.4f}, NULL, NULL);")
                self.selections[sel] = (ev, odds)
                sel += 1
                n += 1
        s.append("INSERT INTO fx_rates VALUES ('NGN', '2026-11-29', 0.0005812345), "
                 "('KES', '2026-11-29', 0.0071234567), ('UGX', '2026-11-29', 0.0002451234);")
        self.tx(s, n + 3)

    def player(self, pid):
        cur = ("NGN", "KES", "UGX")[pid % 3]
        self.players[pid] = cur
        dep = self.rng.randint(50, 500) * 10 ** EXPONENT[cur] * (100 if cur == "UGX" else 1)
        w = self.next_wallet
        self.next_wallet += 1
        self.tx([f"INSERT INTO players VALUES ({pid}, '{('NG', 'KE', 'UG')[pid % 3]}', '{cur}', "
                 f"{1 + pid % 3}, '2026-11-29 10:{pid % 60:02d}:00.{pid:06d}', 1, NULL);",
                 f"INSERT INTO wallet_transactions VALUES ({w}, {pid}, 1, {major(dep, cur)}, '{cur}', "
                 f"NULL, 2, '2026-11-29 10:{pid % 60:02d}:01');"], 2)

    def place(self, pid):
        cur = self.players[pid]
        bid = self.next_bet
        self.next_bet += 1
        nlegs = self.rng.choice((1, 1, 2, 3))
        events = self.rng.sample(range(1, 7), nlegs)
        legs = []
        for ev in events:
            sel = (ev - 1) * 3 + 1 + self.rng.randrange(3)
            legs.append((sel, self.selections[sel][1]))
        total = 10000
        for _, o in legs:
            total = total * o // 10000
        stake = self.rng.randint(1, 50) * 100 * (100 if cur == "UGX" else 1)
        potential = stake * total // 10000
        self.bets[bid] = (pid, cur, stake, potential, legs)
        s = [f"INSERT INTO bets VALUES ({bid}, {pid}, {1 if nlegs == 1 else 2}, {major(stake, cur)}, '{cur}', "
             f"{total / 10000:.4f}, {major(potential, cur)}, 1, NULL, '2026-11-29 11:{bid % 60:02d}:00.5', NULL, "
             f"{1 + bid % 3});"]
        for i, (sel, o) in enumerate(legs, 1):
            s.append(f"INSERT INTO bet_legs VALUES ({bid}, {i}, {sel}, {o / 10000:.4f}, NULL);")
        w = self.next_wallet
        self.next_wallet += 1
        s.append(f"INSERT INTO wallet_transactions VALUES ({w}, {pid}, 3, {major(-stake, cur)}, '{cur}', "
                 f"{bid}, 2, '2026-11-29 11:{bid % 60:02d}:00.5');")
        self.tx(s, 2 + nlegs)

    def settle_all(self):
        # Every event finishes: home wins. Results, then each bet with its payout credit.
        s = []
        for ev in range(1, 7):
            s.append(f"UPDATE events SET status = 3, result = '1-0' WHERE id = {ev};")
            s.append(f"UPDATE markets SET status = 3 WHERE id = {ev};")
        for sel, (ev, _) in self.selections.items():
            s.append(f"UPDATE selections SET result = {1 if (sel - 1) % 3 == 0 else 2} WHERE id = {sel};")
        self.tx(s, 12 + len(self.selections))
        for bid, (pid, cur, stake, potential, legs) in self.bets.items():
            won = all((sel - 1) % 3 == 0 for sel, _ in legs)
            s = [f"UPDATE bet_legs SET result = {1 if (sel - 1) % 3 == 0 else 2} WHERE bet_id = {bid} AND leg_no = {i};"
                 for i, (sel, _) in enumerate(legs, 1)]
            if won:
                s.append(f"UPDATE bets SET status = 2, payout = {major(potential, cur)}, "
                         f"settled_at = '2026-11-29 20:00:00' WHERE id = {bid};")
                w = self.next_wallet
                self.next_wallet += 1
                s.append(f"INSERT INTO wallet_transactions VALUES ({w}, {pid}, 4, {major(potential, cur)}, "
                         f"'{cur}', {bid}, 2, '2026-11-29 20:00:00');")
                self.tx(s, len(legs) + 2)
            else:
                s.append(f"UPDATE bets SET status = 3, payout = 0, settled_at = '2026-11-29 20:00:00' WHERE id = {bid};")
                self.tx(s, len(legs) + 1)

    def withdrawal(self, pid):
        cur = self.players[pid]
        w = self.next_wallet
        self.next_wallet += 1
        amount = 10 * 10 ** EXPONENT[cur]
        self.tx([f"INSERT INTO wallet_transactions VALUES ({w}, {pid}, 2, {major(-amount, cur)}, '{cur}', "
                 f"NULL, 1, '2026-11-29 12:00:00');"], 1)
        self.tx([f"UPDATE wallet_transactions SET status = 2 WHERE id = {w};"], 1)


def minor(major_text, currency):
    """An exact DECIMAL sum in major units as integer minor units (text)."""
    v = Decimal(major_text) * 10 ** EXPONENT[currency]
    assert v == v.to_integral_value(), (major_text, currency)
    return str(int(v))


def compare(data, database, sql_rows, query):
    """The warehouse in `data` against MariaDB database `database`, by SQL on both sides."""
    # Landing: every table has MariaDB's live rows.
    for table, key in (("players", "id"), ("wallet_transactions", "id"), ("bets", "id"),
                       ("bet_legs", "bet_id * 10 + leg_no"), ("selections", "id"), ("events", "id"),
                       ("markets", "id"), ("competitions", "id"), ("sports", "id"),
                       ("fx_rates", "length(currency)")):
        want = sql_rows(f"SELECT count(*), COALESCE(SUM({key}), 0) FROM {table}")[0]
        got = query(f"SELECT count(), sum({key}) FROM tote.land_{table} FINAL WHERE _deleted = 0")[0]
        check(got == want, f"{database}: land_{table}: {got} live rows/key sum, MariaDB {want}")

    # The ledger to the minor unit, per currency x day x type.
    rows = sql_rows("SELECT currency, DATE(created_at), type, COUNT(*), SUM(amount) FROM wallet_transactions "
                    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    types = {"1": "deposit", "2": "withdrawal", "3": "stake_debit", "4": "payout_credit", "5": "refund",
             "6": "bonus_credit", "7": "adjustment"}
    want = sorted([c, d, types[t], n, minor(s, c)] for c, d, t, n, s in rows)
    got = sorted(query("SELECT currency, toString(toDate(toDateTime(intDiv(created_at_us, 1000000), 'UTC'))), "
                       "type, toString(count()), toString(sum(amount_minor)) FROM tote.fact_wallet_transaction "
                       "FINAL WHERE deleted = 0 GROUP BY currency, 2, type"))
    check(got == want, f"{database}: fact_wallet_transaction = the ledger per currency x day x type ({len(want)} groups)")
    if got != want:
        print(f"  warehouse: {got}\n  MariaDB:   {want}")

    rows = sql_rows("SELECT currency, status, COUNT(*), SUM(stake), SUM(COALESCE(payout, 0)) FROM bets "
                    "GROUP BY 1, 2 ORDER BY 1, 2")
    statuses = {"1": "open", "2": "won", "3": "lost", "4": "void", "5": "cashed_out"}
    want = sorted([c, statuses[st], n, minor(s, c), minor(p, c)] for c, st, n, s, p in rows)
    got = sorted(query("SELECT currency, status, toString(count()), toString(sum(stake_minor)), "
                       "toString(sum(payout_minor)) FROM tote.fact_bet FINAL GROUP BY currency, status"))
    check(got == want, f"{database}: fact_bet = bets per currency x status: count, stakes, payouts ({len(want)} groups)")
    if got != want:
        print(f"  warehouse: {got}\n  MariaDB:   {want}")
    want = sql_rows("SELECT COUNT(*), SUM(CASE result WHEN 1 THEN 1 ELSE 0 END) FROM bet_legs")[0]
    got = query("SELECT toString(count()), toString(countIf(result = 'win')) FROM tote.fact_bet_leg FINAL "
                "WHERE deleted = 0")[0]
    check(got == want, f"{database}: fact_bet_leg: {got} legs/wins, MariaDB {want}")

    got = query("SELECT rule, toString(count()) FROM tote.etl_log FINAL "
                "WHERE rule IN ('mapping_error', 'incomplete_transaction') GROUP BY rule")
    check(got == [], f"{database}: no mapping_error or incomplete_transaction in the ETL log ({got})")
    got = query("SELECT toString(count()) FROM tote._dead_letters FINAL")[0]
    check(got == ["0"], f"{database}: no dead letters ({got[0]})")


def reconcile(data, topic, url, env):
    """`tote reconcile --oltp mysql://...`: the warehouse against MariaDB's own figures."""
    p = run([TOTE, "reconcile", "--data-dir", data, "--consumer", f"kafka:{topic}:0", "--oltp", url,
             "--mapping", MAPPING], env, 300, expect_rc=None)
    print("\n".join(line for line in p.stdout.splitlines() if not line.startswith("note:")))
    check(p.returncode == 0 and "RECONCILED: exact" in p.stdout,
          f"tote reconcile --oltp {url.rsplit('/', 1)[-1]}: RECONCILED exact (ledger, live rows, facts, KPIs)")


def main():
    code = missing_tools_exit(("java", "mvn", "curl", "mariadb", "mariadb-install-db"))
    if code is not None:
        return code
    work = tempfile.mkdtemp(prefix="tote-mariadb-stack-")
    os.chmod(work, 0o755)  # MariaDB runs as the mysql user under root
    ports, env = stack_env(work, ("TOTE_KAFKA_PORT", "TOTE_KAFKA_CONTROLLER_PORT", "TOTE_MARIADB_PORT",
                                  "TOTE_CONNECT_MARIADB_PORT", "TOTE_PG_PORT", "TOTE_CONNECT_PORT",
                                  "TOTE_CLICKHOUSE_PORT"))
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    data = os.path.join(work, "tote")
    maria = ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(ports["TOTE_MARIADB_PORT"]),
             "-u", "tote", "-ptote", "tote"]
    t_start = time.monotonic()

    def sql_rows_of(database):
        def sql_rows(q):
            out = run(maria[:-1] + [database, "-N", "-B", "-e", q], env).stdout
            return [line.split("\t") for line in out.splitlines()]
        return sql_rows

    def query_of(folder):
        def query(q):
            out = run([TOTE, "query", "--data-dir", folder, "--format", "TabSeparated", q], env).stdout
            return [line.split("\t") for line in out.splitlines() if line]
        return query

    try:
        run([STACK, "up", "kafka", "mariadb", "connect-mariadb"], env, 600)
        with open(os.path.join(ROOT, "schema", "oltp_mariadb.sql")) as f:
            run(maria, env, stdin=f.read())
        w = Workload()
        w.catalogue()
        for pid in range(1, 31):
            w.player(pid)
        for i in range(40):
            w.place(1 + i % 30)
        snapshot_rows = sum(c for _, c in w.txs)
        run(maria, env, stdin="\n".join(s for s, _ in w.txs))
        w.txs = []
        run([STACK, "connector-mariadb", "tote", "tote", "tote"], env, 300)
        for pid in range(31, 61):
            w.player(pid)
        for i in range(80):
            w.place(1 + i % 60)
        for pid in (2, 31, 45):
            w.withdrawal(pid)
        w.settle_all()
        t0 = time.monotonic()
        run(maria, env, stdin="\n".join(s for s, _ in w.txs), timeout=300)
        print(f"{len(w.txs)} transactions committed in {time.monotonic() - t0:.1f} s")
        # 26 schema change events start the snapshot (one per statement re-creating the tables).
        expected = 26 + snapshot_rows + sum(c + 2 for _, c in w.txs)
        deadline = time.monotonic() + 120
        end = 0
        while time.monotonic() < deadline:
            end = int(run([STACK, "kafka-end-offset", "tote.all"], env).stdout.strip() or 0)
            if end >= expected:
                break
            time.sleep(1)
        check(end == expected, f"tote.all holds the {expected} records the workload implies (end offset {end})")

        t0 = time.monotonic()
        run([TOTE, "ingest", "--data-dir", data, "--kafka-brokers", brokers, "--kafka-topic", "tote.all",
             "--source-schema", "tote", "--mapping", MAPPING], env, 600)
        print(f"ingest took {time.monotonic() - t0:.1f} s")

        compare(data, "tote", sql_rows_of("tote"), query_of(data))
        reconcile(data, "tote.all", f"mysql://tote:tote@127.0.0.1:{ports['TOTE_MARIADB_PORT']}/tote", env)

        # 4. `tote simulate --oltp mysql://` drives a second database (the simulator's whole
        # workload, injected anomalies included) while a second connector streams it.
        with open(os.path.join(ROOT, "schema", "oltp_mariadb.sql")) as f:
            run(maria + ["-e", "CREATE DATABASE sim"], env)
            run(maria[:-1] + ["sim"], env, stdin=f.read())
        run([STACK, "connector-mariadb", "sim", "sim", "sim"], env, 300)
        sim_data = os.path.join(work, "sim")
        url = f"mysql://tote:tote@127.0.0.1:{ports['TOTE_MARIADB_PORT']}/sim"
        p = run([TOTE, "simulate", "--data-dir", sim_data, "--oltp", url, "--max-events", "20000",
                 "--players", "500", "--events", "50", "--anomaly-rate", "0.05"], env, 300)
        print(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.stdout.strip()[-300:])
        # A sentinel committed last: binlog order is commit order and the topic is one ordered
        # log, so once it has landed every transaction before it has.
        run(maria[:-1] + ["sim", "-e", "INSERT INTO odds_staging VALUES (999999999, 0, 1.0, "
                                       "'2026-11-29 23:59:59')"], env)
        t0 = time.monotonic()
        landed = False
        while not landed and time.monotonic() - t0 < 120:
            run([TOTE, "ingest", "--data-dir", sim_data, "--kafka-brokers", brokers, "--kafka-topic",
                 "sim.all", "--source-schema", "sim", "--mapping", MAPPING], env, 600)
            landed = query_of(sim_data)("SELECT toString(count()) FROM tote.land_odds_staging FINAL "
                                        "WHERE id = 999999999 AND _deleted = 0") == [["1"]]
        check(landed, f"the sentinel after the simulator's workload landed ({time.monotonic() - t0:.1f} s)")
        compare(sim_data, "sim", sql_rows_of("sim"), query_of(sim_data))
        reconcile(sim_data, "sim.all", url, env)
        # A changed ledger row is found: exit 1 naming the group.
        run(maria[:-1] + ["sim", "-e", "UPDATE wallet_transactions SET amount = amount + 1 WHERE id = 3"], env)
        p = run([TOTE, "reconcile", "--data-dir", sim_data, "--consumer", "kafka:sim.all:0", "--oltp", url,
                 "--mapping", MAPPING], env, 300, expect_rc=1)
        check(re.search(r"DIFF: ledger \S+ \S+ \S+: expected", p.stdout) is not None and "MISMATCH" in p.stdout,
              "reconcile --oltp mysql:// names a ledger group changed in MariaDB (exit 1)")
    finally:
        run([STACK, "down"], env, 300, expect_rc=None)
        if failures:
            print(f"kept {work} for inspection")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"mariadb stack test took {time.monotonic() - t_start:.1f} s")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
