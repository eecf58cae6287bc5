"""End to end, embedded: simulate >= 1,000,000 change events, ingest them, reconcile exactly.

Besides `tote reconcile` (which reads as of the ground truth's offset with argMax), the figures
are checked a second way here: per-currency ledger sums and live rows per table through FINAL,
against the ground-truth file read by this script.
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
    finally:
        cleanup(data)


if __name__ == "__main__":
    main()
