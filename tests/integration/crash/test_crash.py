"""Crash test: SIGKILL `tote ingest` at random moments, restart it each time, then reconcile.

The kills land at random times (seeded, so a failure can be replayed with the same
TOTE_CRASH_SEED). The test requires at least 5 kills, at least 3 of them after the ingest had
committed progress (mid-stream), and then an exact reconciliation with no key landed twice.
Ingest checkpoints its fact state every CHECKPOINT_EVERY records (issue 13), and the kills
cycle through three kinds: at a random moment of landing; while a checkpoint is being written
(its temporary file exists: after the warehouse commit it covers, before its rename); and while
a restart replays the log after the checkpoint it restored (before it resumes). At least two of
each of the latter two must land where meant, and every restart after the first checkpoint must
restore one. The killed runs hold the fact state to a 4 MiB memory budget, so most of it lives
in the cold store (RocksDB), whose copy is taken with each checkpoint (a kill while a checkpoint
is written lands in that copy as often as in the state file) and put back by each restore; the
reference run has the default budget, which this log never reaches.
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
from tote_harness import Tote, check, check_same_facts, cleanup, fact_snapshot, temp_data_dir  # noqa: E402

EVENTS = int(os.environ.get("TOTE_CRASH_EVENTS", "1000000"))
SEED = int(os.environ.get("TOTE_CRASH_SEED", "7"))
KILLS = int(os.environ.get("TOTE_CRASH_KILLS", "12"))  # then the last run goes to the end
CHECKPOINT_EVERY = 100000
KINDS = ["random", "checkpoint", "restore"]


def checkpoint_files(data):
    folder = os.path.join(data, "checkpoints", "tote.ingest")
    return os.listdir(folder) if os.path.isdir(folder) else []


def kill_when_checkpoint_written(proc, data):
    """Kills `proc` as soon as a checkpoint's temporary file appears (polling the folder for the
    condition); returns True when the kill landed while it was being written."""
    while proc.poll() is None:
        if any(n.endswith(".tmp") for n in checkpoint_files(data)):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return any(n.endswith(".tmp") for n in checkpoint_files(data))
        time.sleep(0.002)  # polling interval, not a synchronisation
    return None  # ended before another checkpoint


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
        checkpoint_kills = 0
        restore_kills = 0
        last_offset = 0
        runs = 0
        while True:
            runs += 1
            check(runs <= 200, "ingest finishes within 200 restarts")
            had_checkpoint = any(n.endswith(".ckpt") for n in checkpoint_files(data))
            proc = subprocess.Popen(tote.cmd("ingest", "--batch", "20000", "--state-memory-mb", "4",
                                             "--checkpoint-every", str(CHECKPOINT_EVERY)),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Beyond KILLS, only until each kind landed twice where meant.
            more = kills < KILLS or checkpoint_kills < 2 or restore_kills < 2
            kind = KINDS[kills % len(KINDS)] if more else None
            # Read the start-up lines: the restored checkpoint, then "resuming" once replayed.
            restored = False
            resumed = False
            while not resumed:
                line = proc.stdout.readline()
                if not line:
                    break
                restored = restored or "restored checkpoint at offset" in line
                resumed = "resuming at offset" in line
                if restored and kind == "restore" and not resumed:
                    break  # kill during the replay that follows the restored checkpoint
            killed = False
            if kind == "restore" and restored and not resumed:
                time.sleep(rng.uniform(0.0, 0.3))  # a random moment of the replay: the chaos
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                rest = proc.stdout.read()
                if "resuming at offset" not in rest:
                    restore_kills += 1
                killed = True
            elif kind == "checkpoint":
                landed = kill_when_checkpoint_written(proc, data)
                if landed is not None:
                    killed = True
                    checkpoint_kills += 1 if landed else 0
            elif kind is not None:
                delay = rng.uniform(0.5, 3.0)
                try:
                    proc.wait(timeout=delay)  # the chaos schedule: kill at a random moment
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    killed = True
            if had_checkpoint and (killed or proc.poll() is None):
                check(restored, f"run {runs} restored a checkpoint (one existed at its start)")
            if killed:
                kills += 1
                offset = committed_offset(tote)
                if offset > last_offset and last_offset > 0:
                    mid_stream_kills += 1
                print(f"kill {kills} ({kind}): committed offset {offset}, checkpoints "
                      f"{sorted(checkpoint_files(data))}")
                last_offset = offset
                continue
            if proc.poll() is None:
                proc.wait()
            err = proc.stderr.read()
            if proc.returncode == 3:  # retriable (e.g. the engine failed to start): run again
                print(f"run {runs}: retriable failure, running again: {err.strip()[-300:]}")
                continue
            check(proc.returncode == 0, f"ingest exits 0 when not killed (stderr: {err[-500:]})")
            break
        check(checkpoint_kills >= 2, f"{checkpoint_kills} kills landed while a checkpoint was "
                                     f"being written (>= 2)")
        check(restore_kills >= 2, f"{restore_kills} kills landed while a restart replayed after "
                                  f"its checkpoint (>= 2)")
        check(kills >= 5, f"ingest was killed {kills} times (>= 5)")
        check(mid_stream_kills >= 3, f"{mid_stream_kills} kills landed after committed progress (>= 3)")
        check(committed_offset(tote) == truth["log_offset"], "the warehouse consumed the whole log")

        rec = tote.run("reconcile", check=False)
        print(rec.stdout)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "after the kills the warehouse reconciles exactly, no key twice")
        dead = int(tote.query("SELECT count() FROM tote._dead_letters FINAL").strip())
        check(dead == 0, "no dead letters from replays")

        check_same_facts(fact_snapshot(tote), fact_snapshot(clean), f"after {kills} kills",
                         "the uninterrupted run")
    finally:
        cleanup(data)
        cleanup(clean_data)


if __name__ == "__main__":
    main()
