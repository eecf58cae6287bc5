"""End to end, embedded: simulate >= 1,000,000 change events, ingest them, reconcile exactly.

Besides `tote reconcile` (which reads as of the ground truth's offset with argMax, and checks the
KPI tables against the facts and the ledger, and the ETL log against the injected anomalies), the
figures are checked a second way here: per-currency ledger sums and live rows per table through
FINAL, per-currency KPIs against the ground-truth file read by this script, and every injected
anomaly against the latest fact versions.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

EVENTS = int(os.environ.get("TOTE_E2E_EVENTS", "1000000"))


def main():
    data = temp_data_dir("e2e")
    tote = Tote(sys.argv[1], data)
    try:
        out = tote.run("simulate", "--max-events", str(EVENTS), "--seed", "20261125").stdout
        print(out.strip())
        truth = tote.ground_truth()
        check(truth["change_events_emitted"] >= EVENTS,
              f"simulated {truth['change_events_emitted']} >= {EVENTS} change events")

        print(tote.run("ingest").stdout.strip())

        rec = tote.run("reconcile", check=False)
        print(rec.stdout)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout, "tote reconcile is exact")
        n = len(truth["anomalies"])
        check(n >= 100 and f"anomalies: {n} injected, {n} found, 0 missed, 0 pending; 0 false flags"
              in rec.stdout, f"reconcile finds all {n} injected anomalies and flags nothing clean")
        check("KPI groups checked against a recomputation from the facts" in rec.stdout,
              "reconcile compared the KPI tables with a recomputation from the facts")

        # Second path for the facts: KPIs per currency through FINAL vs the ground truth file.
        cash = {}
        for f in truth["ledger_by_status"]:
            if f["status"] != "completed":
                continue
            c = cash.setdefault(f["currency"], {"deposits": 0, "withdrawals": 0})
            if f["type"] == "deposit":
                c["deposits"] += f["sum_minor"]
            elif f["type"] == "withdrawal":
                c["withdrawals"] -= f["sum_minor"]
        for f in truth["bets_by_placement"]:
            c = cash.setdefault(f["currency"], {"deposits": 0, "withdrawals": 0})
            c["bets"] = c.get("bets", 0) + f["bets"]
            c["turnover"] = c.get("turnover", 0) + f["turnover_minor"]
        for f in truth["bets_by_settlement"]:
            c = cash.setdefault(f["currency"], {"deposits": 0, "withdrawals": 0})
            c["ggr"] = c.get("ggr", 0) + f["ggr_minor"]
        kpis = {}
        for line in tote.query(
                "SELECT currency, sumIf(sign * deposits_minor, fact = 'wallet'), "
                "sumIf(sign * withdrawals_minor, fact = 'wallet'), sumIf(sign * bets, fact = 'bet'), "
                "sumIf(sign * turnover_minor, fact = 'bet'), sumIf(sign * ggr_minor, fact = 'bet') "
                "FROM tote.kpi_hourly_contrib FINAL GROUP BY currency ORDER BY currency"
                ).strip().splitlines():
            cur, dep, wd, bets, turnover, ggr = line.split("\t")
            kpis[cur] = {"deposits": int(dep), "withdrawals": int(wd), "bets": int(bets),
                         "turnover": int(turnover), "ggr": int(ggr)}
        expected_kpis = {cur: {k: v.get(k, 0) for k in ("deposits", "withdrawals", "bets",
                                                       "turnover", "ggr")}
                         for cur, v in cash.items()}
        check(kpis == expected_kpis,
              f"KPIs per currency through FINAL equal the OLTP (deposits, withdrawals, bets, "
              f"turnover, settled GGR): {kpis}")

        # Every injected anomaly is on its fact's latest version; nothing else is flagged.
        flagged = set()
        for line in tote.query(
                "SELECT 'bets', bet_id FROM tote.fact_bet FINAL WHERE validation = 'violation' "
                "UNION ALL SELECT 'wallet_transactions', id FROM tote.fact_wallet_transaction "
                "FINAL WHERE validation = 'violation'").strip().splitlines():
            table, key = line.split("\t")
            flagged.add((table, int(key)))
        injected = set()
        for a in truth["anomalies"]:
            table = "bets" if a["table"] == "bet_legs" else a["table"]
            injected.add((table, int(a["key"].split(":")[1].split(",")[0].rstrip("}"))))
        check(injected == flagged,
              f"the {len(flagged)} facts flagged are exactly the {len(injected)} injected "
              f"(missed {sorted(injected - flagged)[:5]}, extra {sorted(flagged - injected)[:5]})")
        pending = int(tote.query(
            "SELECT count() FROM tote.fact_bet FINAL WHERE validation = 'pending'").strip())
        check(pending == 0, f"no fact is left pending at the end of a finished log ({pending})")

        # Second path: per-currency ledger through FINAL vs the ground truth file.
        expected = {}
        for f in truth["ledger"]:
            c = expected.setdefault(f["currency"], [0, 0])
            c[0] += f["count"]
            c[1] += f["sum_minor"]
        rows = tote.query("SELECT currency, count(), sum(amount_minor) FROM tote.land_wallet_transactions "
                          "FINAL WHERE _deleted = 0 GROUP BY currency ORDER BY currency")
        actual = {}
        for line in rows.strip().splitlines():
            cur, n, s = line.split("\t")
            actual[cur] = [int(n), int(s)]
        check(actual == expected, f"ledger per currency through FINAL equals the OLTP ledger: {actual}")
        check(len(actual) >= 5, f"at least 5 currencies in the ledger ({sorted(actual)})")

        for table, n in sorted(truth["table_rows"].items()):
            got = int(tote.query(
                f"SELECT count() FROM tote.land_{table} FINAL WHERE _deleted = 0 AND _version > "
                f"(SELECT max(version) FROM tote._truncates WHERE table_name = '{table}')").strip() or 0)
            check(got == n, f"table {table}: {got} live rows == {n} in the OLTP")

        # The stream re-delivered changes (as Debezium does after a crash); the exact live rows
        # above show that each landed once.
        check(truth["redelivered_change_events"] > 0,
              f"the stream held {truth['redelivered_change_events']} re-delivered change events")

        dead = int(tote.query("SELECT count() FROM tote._dead_letters FINAL").strip())
        check(dead == 0, f"a clean simulated stream leaves no dead letters ({dead})")

        # The reconciler must be able to fail: one minor unit off in the truth is reported.
        altered = dict(truth)
        altered["ledger"] = [dict(f) for f in truth["ledger"]]
        victim = altered["ledger"][len(altered["ledger"]) // 2]
        victim["sum_minor"] += 1
        path = os.path.join(data, "altered_truth.json")
        with open(path, "w") as fh:
            json.dump(altered, fh)
        bad = tote.run("reconcile", "--ground-truth", path, check=False)
        key = f"ledger {victim['day']} {victim['currency']} {victim['type']}"
        check(bad.returncode == 1 and key in bad.stdout and "0 rows, -1 minor units" in bad.stdout,
              f"a one-minor-unit difference is reported as a mismatch on {key}")

        # ... and so must the KPI check: one extra minor unit of turnover in the KPI table.
        tote.run("query", "--write", "INSERT INTO tote.kpi_hourly_contrib (hour, country, currency, sport, "
                 "channel, fact, fact_key, fact_version, sign, turnover_minor) VALUES "
                 "(toDateTime(1793750400), 'NG', 'NGN', 'football', 'web', 'bet', 'tamper', 1, "
                 "1, 1)")
        bad = tote.run("reconcile", check=False)
        print("\n".join(l for l in bad.stdout.splitlines() if "DIFF" in l)[:2000])
        check(bad.returncode == 1 and "DIFF" in bad.stdout and "tamper" not in truth,
              "one extra minor unit in the KPI table is reported as a mismatch")
    finally:
        cleanup(data)


if __name__ == "__main__":
    main()
