"""Crash test: SIGKILL `tote ingest` at random moments, restart it each time, then reconcile.

The kills land at random times (seeded, so a failure can be replayed with the same
TOTE_CRASH_SEED). The test requires at least 5 kills, at least 3 of them after the ingest had
committed progress (mid-stream), and then an exact reconciliation with no key landed twice.
Facts, ETL log and KPI tables are checked too: the killed-and-restarted warehouse must hold
exactly the rows (through FINAL) that one uninterrupted ingest of the same log writes into a
second warehouse, and reconcile (KPIs vs facts vs ledger, ETL log vs injected anomalies) exactly.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, fact_snapshot, temp_data_dir  # noqa: E402

EVENTS = int(os.environ.get("TOTE_CRASH_EVENTS", "1000000"))
SEED = int(os.environ.get("TOTE_CRASH_SEED", "7"))
KILLS = int(os.environ.get("TOTE_CRASH_KILLS", "8"))  # then the last run goes to the end


def committed_offset(tote):
    out = tote.query("SELECT next_offset FROM tote._offsets FINAL WHERE consumer = 'ingest'").strip()
    return int(out) if out else 0


def main():
    rng = random.Random(SEED)
    data = temp_data_dir("crash")
    clean_data = temp_data_dir("crash-clean")
    tote = Tote(sys.argv[1], data)
    clean = Tote(sys.argv[1], clean_data)
    try:
        tote.run("simulate", "--max-events", str(EVENTS), "--seed", "99")
        truth = tote.ground_truth()
        # The same log, ingested once without interruption, is the reference for the facts.
        shutil.rmtree(clean_data)
        shutil.copytree(data, clean_data)
        clean.run("ingest")
        kills = 0
        mid_stream_kills = 0
        last_offset = 0
        runs = 0
        while True:
            runs += 1
            check(runs <= 200, "ingest finishes within 200 restarts")
            proc = subprocess.Popen(tote.cmd("ingest", "--batch", "20000"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Kill after a random time of landing, counted from when the restarted process has
            # rebuilt its fact state (which takes longer the further the log was consumed).
            while True:
                line = proc.stdout.readline()
                if not line or "resuming at offset" in line:
                    break
            delay = rng.uniform(0.5, 3.0) if kills < KILLS else None
            try:
                proc.wait(timeout=delay)  # the chaos schedule: kill at a random moment
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                offset = committed_offset(tote)
                if offset > last_offset and last_offset > 0:
                    mid_stream_kills += 1
                print(f"kill {kills} after {delay:.2f} s: committed offset {offset}")
                last_offset = offset
                continue
            err = proc.stderr.read()
            if proc.returncode == 3:  # retriable (e.g. the engine failed to start): run again
                print(f"run {runs}: retriable failure, running again: {err.strip()[-300:]}")
                continue
            check(proc.returncode == 0, f"ingest exits 0 when not killed (stderr: {err[-500:]})")
            break
        check(kills >= 5, f"ingest was killed {kills} times (>= 5)")
        check(mid_stream_kills >= 3, f"{mid_stream_kills} kills landed after committed progress (>= 3)")
        check(committed_offset(tote) == truth["log_offset"], "the warehouse consumed the whole log")

        rec = tote.run("reconcile", check=False)
        print(rec.stdout)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "after the kills the warehouse reconciles exactly, no key twice")
        dead = int(tote.query("SELECT count() FROM tote._dead_letters FINAL").strip())
        check(dead == 0, "no dead letters from replays")

        crashed, reference = fact_snapshot(tote), fact_snapshot(clean)
        for table, (rows, text) in reference.items():
            check(rows > 0 or table == "etl_log", f"{table}: the uninterrupted run wrote {rows} rows")
            got_rows, got_text = crashed[table]
            if got_text != text:
                a, b = set(got_text.splitlines()), set(text.splitlines())
                print(f"{table}: only after the kills: {sorted(a - b)[:5]}")
                print(f"{table}: only without kills: {sorted(b - a)[:5]}")
            check(got_text == text,
                  f"{table}: {got_rows} rows after {kills} kills, identical to the uninterrupted "
                  f"run's {rows}")
    finally:
        cleanup(data)
        cleanup(clean_data)


if __name__ == "__main__":
    main()
