#!/usr/bin/env python3
"""A second schema, end to end, through its mapping file alone (issue 16, point 3 and "done
when"): the schema of the real Debezium captures (tests/golden/debezium/schema.sql: players,
wallet_tx, bets with numeric major-unit money and no currency, bet_legs) in PostgreSQL 15 ->
Debezium 3.7 (its default decimal.handling.mode=precise, as in the captures) -> Kafka ->
`tote ingest --kafka-... --mapping mappings/real_debezium.yaml` -> the embedded warehouse ->
`tote reconcile --oltp URL --mapping mappings/real_debezium.yaml`.

  1. a workload of hand-written transactions (players, deposits, placements = bet + legs + debit
     in one transaction, settlements won/lost/void/cashed-out, a deleted bet) in four currencies
     (UGX has no minor unit), with times written at +03:00 around UTC midnight; part of it before
     the connector exists (Debezium's snapshot), the rest streamed;
  2. ingest + reconcile --oltp until exact (Debezium publishes asynchronously): ledger, live
     rows, facts, KPIs, the cash and bet views per day x currency, computed from the database by
     the mapping (bet currency from the player, potential payout from the odds);
  3. fact_bet holds every bet with the database's stake, currency and status (the deleted one
     with status 'deleted'); the ETL log has no mapping_error;
  4. a ledger amount and a bet's payout changed in PostgreSQL: reconcile --oltp exits 1, naming
     the ledger row, the settlement figures and the bet that differ; after the ingest, exact
     again.
Exit 77 (skipped) when Java, Maven or PostgreSQL 15 are missing, except under CI=true.

usage: test_captures_schema_stack.py TOTE_BINARY SOURCE_DIR
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres_cluster import PSQL, installed  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stack_env import check, curl, failures, missing_tools_exit, run, stack_env  # noqa: E402

TOTE = sys.argv[1]
ROOT = sys.argv[2]
STACK = os.path.join(ROOT, "scripts", "stack.sh")
SCHEMA = os.path.join(ROOT, "tests", "golden", "debezium", "schema.sql")
MAPPING = os.path.join(ROOT, "mappings", "real_debezium.yaml")
TOPIC = "cap.all"
CURRENCIES = {"NGN": 2, "KES": 2, "UGX": 0, "GHS": 2}
COUNTRIES = {"NGN": "NG", "KES": "KE", "UGX": "UG", "GHS": "GH"}


class Workload:
    """Deterministic transactions in the captures' schema, as SQL text."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.players = {}  # id -> currency
        self.open_bets = {}  # id -> (currency, stake text, odds text)
        self.next_player = self.next_bet = self.next_tx = 1
        self.minute = 0

    def when(self):
        # 2026-11-27 22:00 UTC onwards, written at +03:00: the local date is a day ahead of the
        # UTC date for the first two hours, so a day taken without the zone would be wrong.
        self.minute += self.rng.randint(1, 9)
        total = 22 * 60 + self.minute
        day, rest = 27 + total // 1440, total % 1440
        local = rest + 180
        if local >= 1440:
            local -= 1440
            day += 1
        return f"2026-11-{day:02d} {local // 60:02d}:{local % 60:02d}:{self.rng.randint(0, 59):02d}+03"

    def money(self, currency, low, high):
        units = self.rng.randint(low, high)
        if CURRENCIES[currency] == 0:
            return f"{units * 100}.00", units * 100  # UGX: whole shillings, numeric(18,2)
        cents = self.rng.choice([0, 50, 25, 99])
        return f"{units}.{cents:02d}", units * 100 + cents

    def player(self):
        pid, self.next_player = self.next_player, self.next_player + 1
        cur = self.rng.choice(sorted(CURRENCIES))
        self.players[pid] = cur
        amount = self.rng.randint(1, 500) * (100 if CURRENCIES[cur] else 1) * 10
        tx, self.next_tx = self.next_tx, self.next_tx + 1
        t = self.when()
        return (f"BEGIN; INSERT INTO players (id, country, currency, created_at) VALUES "
                f"({pid}, '{COUNTRIES[cur]}', '{cur}', '{t}'); INSERT INTO wallet_tx (id, "
                f"player_id, kind, amount_minor, currency, created_at) VALUES ({tx}, {pid}, "
                f"'deposit', {amount}, '{cur}', '{t}'); COMMIT;")

    def placement(self):
        pid = self.rng.choice(sorted(self.players))
        cur = self.players[pid]
        bid, self.next_bet = self.next_bet, self.next_bet + 1
        stake_text, stake_minor = self.money(cur, 1, 300)
        legs = self.rng.randint(1, 3)
        odds = [self.rng.randint(11000, 45000) for _ in range(legs)]
        total = 10000
        for o in odds:
            total = total * o // 10000
        total_text = f"{total // 10000}.{total % 10000:04d}"
        tx, self.next_tx = self.next_tx, self.next_tx + 1
        t = self.when()
        sql = [f"BEGIN; INSERT INTO bets (id, player_id, stake, total_odds, status, payout, "
               f"placed_at, note) VALUES ({bid}, {pid}, {stake_text}, {total_text}, 'open', NULL, "
               f"'{t}', 'leg count {legs}');"]
        for n, o in enumerate(odds, 1):
            sql.append(f"INSERT INTO bet_legs (bet_id, leg_no, selection_id, odds) VALUES ({bid}, "
                       f"{n}, {self.rng.randint(1000, 9999)}, {o // 10000}.{o % 10000:04d});")
        sql.append(f"INSERT INTO wallet_tx (id, player_id, kind, amount_minor, currency, "
                   f"created_at) VALUES ({tx}, {pid}, 'bet_debit', {-stake_minor}, '{cur}', '{t}');"
                   f" COMMIT;")
        self.open_bets[bid] = (cur, stake_minor, total)
        return " ".join(sql)

    def settlement(self):
        if not self.open_bets:
            return ""
        bid = self.rng.choice(sorted(self.open_bets))
        cur, stake_minor, total = self.open_bets.pop(bid)
        status = self.rng.choice(["won", "lost", "lost", "void", "cashed_out"])
        payout = "NULL"
        if status in ("won", "cashed_out"):
            minor = stake_minor * total // 10000 if status == "won" else stake_minor * 3 // 4
            if CURRENCIES[cur] == 0:
                minor -= minor % 100
            payout = f"{minor // 100}.{minor % 100:02d}"
        return (f"UPDATE bets SET status = '{status}', payout = {payout}, settled_at = "
                f"'{self.when()}' WHERE id = {bid};")

    def batch(self, players, placements, settlements):
        out = [self.player() for _ in range(players)]
        for _ in range(placements):
            out.append(self.placement())
            if self.rng.random() < settlements:
                out.append(self.settlement())
        return "\n".join(s for s in out if s)


def main():
    code = missing_tools_exit(("java", "mvn", "curl"), () if installed() else ("postgresql-15",))
    if code is not None:
        return code

    work = tempfile.mkdtemp(prefix="tote-captures-stack-")
    os.chmod(work, 0o755)  # PostgreSQL runs as the postgres user under root
    ports, env = stack_env(work)
    pg = f"postgresql://postgres@127.0.0.1:{ports['TOTE_PG_PORT']}/tote"
    connect = f"http://127.0.0.1:{ports['TOTE_CONNECT_PORT']}"
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    data = os.path.join(work, "tote")

    def psql(sql):
        out = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h",
                              "127.0.0.1", "-p", str(ports["TOTE_PG_PORT"]), "-U", "postgres", "-d",
                              "tote"], input=sql, check=True, capture_output=True,
                             text=True).stdout
        return sorted(tuple(line.split("\t")) for line in out.splitlines())

    def query(sql):
        out = run([TOTE, "--data-dir", data, "query", "--format", "TabSeparated", sql]).stdout
        return sorted(tuple(line.split("\t")) for line in out.splitlines())

    ingest = [TOTE, "--data-dir", data, "ingest", "--kafka-brokers", brokers, "--kafka-topic",
              TOPIC, "--mapping", MAPPING]
    oltp = [TOTE, "--data-dir", data, "reconcile", "--consumer", f"kafka:{TOPIC}:0", "--oltp", pg,
            "--mapping", MAPPING]

    def ingest_until_exact(what):
        deadline = time.monotonic() + 120
        last = None
        while True:
            p = run(ingest, timeout=300, expect_rc=None)
            if p.returncode != 0:
                # Debezium creates the topic with its first message, asynchronously: until then
                # a finite ingest stops on the missing topic; any other failure fails the test.
                if not ("does not exist on" in p.stderr and time.monotonic() < deadline):
                    sys.stderr.write(p.stderr)
                    raise SystemExit(f"FAIL: exit {p.returncode}, expected 0")
                time.sleep(0.5)  # polling interval while the topic is created, not synchronisation
                continue
            last = run(oltp, expect_rc=None)
            if last.returncode == 0 and "RECONCILED: exact" in last.stdout:
                print(last.stdout)
                return check(True, what)
            if time.monotonic() > deadline:
                print(last.stdout)
                return check(False, what)

    t_start = time.monotonic()
    try:
        run([STACK, "up", "postgres", "kafka", "connect"], env, 600)
        with open(SCHEMA) as f:
            psql(f.read())
        w = Workload(seed=16)
        psql(w.batch(players=40, placements=60, settlements=0.5))  # before the connector

        code, body = curl("POST", f"{connect}/connectors", {"name": "captures", "config": {
            "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
            "database.hostname": "127.0.0.1", "database.port": str(ports["TOTE_PG_PORT"]),
            "database.user": "postgres", "database.dbname": "tote", "topic.prefix": "cap",
            "plugin.name": "pgoutput", "slot.name": "captures", "publication.name": "captures",
            "publication.autocreate.mode": "filtered", "provide.transaction.metadata": "true",
            "tombstones.on.delete": "true",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "transforms": "route",
            "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "cap\\..*", "transforms.route.replacement": TOPIC}})
        check(code in (200, 201), f"the connector for the captures' schema is registered (HTTP {code}"
                                  f" {body[:200]})")
        psql(w.batch(players=40, placements=160, settlements=0.8))  # streamed
        for _ in range(40):
            psql(w.settlement())
        # A void bet deleted with its legs, in one transaction.
        (void_bet,), = psql("SELECT min(id) FROM bets WHERE status = 'void'") or [("",)]
        if void_bet:
            psql(f"BEGIN; DELETE FROM bet_legs WHERE bet_id = {void_bet}; DELETE FROM bets WHERE "
                 f"id = {void_bet}; COMMIT;")
        counts = {t: int(psql(f"SELECT count(*) FROM {t}")[0][0])
                  for t in ("players", "wallet_tx", "bets", "bet_legs")}
        print(f"source: {counts}")
        statuses = dict(psql("SELECT status, count(*) FROM bets GROUP BY 1"))
        check(all(int(statuses.get(s, 0)) > 0 for s in ("open", "won", "lost", "void", "cashed_out"))
              and void_bet != "", f"the workload holds bets of every status and a deleted bet "
                                  f"({statuses})")

        # 2. Through the mapping file alone: exact.
        ingest_until_exact("reconcile --oltp --mapping mappings/real_debezium.yaml is exact for "
                           "the captures' schema")
        r = run(oltp, expect_rc=None)
        check("cash-view and" in r.stdout and "bet-view day x currency rows checked" in r.stdout
              and "tables: 4 tables checked" in r.stdout,
              "ledger, live rows of the 4 tables, facts and both views were checked")

        # 3. The facts are the database's bets; nothing is a mapping error.
        source_bets = psql(
            "SELECT b.id, to_char(b.stake * (CASE p.currency WHEN 'UGX' THEN 1 ELSE 100 END), "
            "'FM999999999999'), p.currency, b.status FROM bets b JOIN players p ON p.id = "
            "b.player_id")
        fact_bets = query("SELECT bet_id, stake_minor, currency, status FROM tote.fact_bet FINAL")
        deleted = [r for r in fact_bets if r[3] == "deleted"]
        live = [r for r in fact_bets if r[3] != "deleted"]
        check(sorted(source_bets, key=lambda r: int(r[0])) == sorted(live, key=lambda r: int(r[0])),
              f"fact_bet holds the database's {len(source_bets)} bets with their stakes in minor "
              f"units, their players' currencies and statuses ({len(live)} live facts)")
        check([r[0] for r in deleted] == [void_bet],
              f"the bet deleted in the source is a fact with status 'deleted' ({deleted})")
        errors = query("SELECT count() FROM tote.etl_log FINAL WHERE rule = 'mapping_error'")
        check(errors == [("0",)], f"no mapping_error in the ETL log ({errors})")

        # 4. A ledger amount and a payout changed in the database: named; then exact again.
        (tx, amount, cur, day), = psql(
            "SELECT id, amount_minor, currency, to_char(created_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD') FROM wallet_tx WHERE kind = 'bet_debit' ORDER BY id LIMIT 1")
        (bet, bet_cur, settle_day), = psql(
            "SELECT b.id, p.currency, to_char(b.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM "
            "bets b JOIN players p ON p.id = b.player_id WHERE b.status = 'won' ORDER BY b.id "
            "LIMIT 1")
        psql(f"UPDATE wallet_tx SET amount_minor = amount_minor - 7 WHERE id = {tx}; "
             f"UPDATE bets SET payout = payout + 1 WHERE id = {bet};")
        r = run(oltp, expect_rc=1)
        check(f'DIFF: ledger {day} {cur} stake_debit: wallet_tx {{"id":{tx}}} has amount '
              f'{int(amount) - 7} in the source, {amount} in the warehouse' in r.stdout,
              "reconcile --oltp names the ledger row whose amount differs")
        one_major = 10 ** CURRENCIES[bet_cur]
        line = next((l for l in r.stdout.splitlines()
                     if l.startswith(f"DIFF: bet view {settle_day} {bet_cur} payouts_settled:")), "")
        check(line.endswith(f"(difference -{one_major})"),
              f"reconcile --oltp names the settlement day x currency whose payouts moved by one "
              f"major unit ({line})")
        bet_line = next((l for l in r.stdout.splitlines()
                         if l.startswith(f'DIFF: bets {{"id":{bet}}} is won|')), "")
        source_fp, _, warehouse_fp = bet_line.partition(" in the source, ")
        source_payout = int(source_fp.split("|")[3]) if source_fp.count("|") == 4 else None
        warehouse_payout = int(warehouse_fp.split("|")[3]) if warehouse_fp.count("|") == 4 else None
        check(source_payout is not None and warehouse_payout is not None
              and source_payout - warehouse_payout == one_major,
              f"reconcile --oltp names the bet whose payout differs, in minor units ({bet_line})")
        ingest_until_exact("after the ingest of both changes, reconcile --oltp is exact again")
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
