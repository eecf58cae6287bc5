"""`tote demo`: rows arrive within seconds, `tote query` and `tote reconcile` work through the
running process (reconcile pauses the simulator at a checkpoint and is exact), Ctrl-C stops
cleanly, and a second run continues the same log and warehouse."""
import json
import os
import re
import urllib.request
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402


def wait_for(predicate, what, seconds):
    """Readiness polling with a bounded number of tries (not synchronisation by sleeping)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"FAILED: {what} within {seconds} s")


def reconcile_offset(out):
    m = re.search(r"at offset (\d+); ground truth .* at offset (\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def main():
    data = temp_data_dir("demo")
    tote = Tote(sys.argv[1], data)
    api_file = os.path.join(data, "api.url")
    try:
        demo = subprocess.Popen(tote.cmd("demo", "--rate", "20000", "--view-every", "0"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        wait_for(lambda: os.path.exists(api_file), "the demo publishes its API", 60)

        def bets():
            res = tote.run("query", "SELECT count() FROM tote.land_bets FINAL", "--format",
                           "TabSeparated", check=False)
            return int(res.stdout.strip()) if res.returncode == 0 and res.stdout.strip() else 0
        wait_for(lambda: bets() > 0, "bets are queryable", 30)
        check(True, f"first bets visible through the demo's API after {time.monotonic() - started:.1f} s")

        offsets = []
        for _ in range(2):
            rec = tote.run("reconcile", check=False)
            wh, gt = reconcile_offset(rec.stdout)
            if rec.returncode != 0:
                print(rec.stdout[-3000:], rec.stderr[-2000:])
            check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout and wh == gt,
                  f"reconcile while the demo runs is exact at offset {gt}")
            offsets.append(gt)
            wait_for(lambda: int(tote.query("SELECT max(next_offset) FROM tote._offsets").strip() or 0)
                     > offsets[-1], "the demo goes on after the check", 30)
        check(offsets[1] > offsets[0], f"the checkpoints advance ({offsets})")

        # GET /status: the ingest's progress, the fact stage's included, as JSON.
        with open(api_file) as fh:
            url = fh.read().strip()
        with urllib.request.urlopen(url + "/status", timeout=10) as resp:
            status = json.load(resp)
        check(status["durable_offset"] >= offsets[1] and status["bet_fact_versions"] > 0
              and status["fact_transactions"] > 0 and "pending_facts" in status,
              f"GET /status reports landing and fact progress ({status})")

        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=60)
        check(demo.returncode == 0, f"Ctrl-C stops the demo cleanly (exit {demo.returncode}, {err[-300:]})")
        check("demo stopped" in out, "the demo prints its summary")
        check(not os.path.exists(api_file), "api.url is removed on exit")
        first = tote.ground_truth()["log_offset"]

        again = tote.run("demo", "--duration", "3", "--view-every", "0")
        check("demo stopped" in again.stdout, "a second run starts on the same data folder")
        second = tote.ground_truth()["log_offset"]
        check(second > first, f"the second run continues the log ({first} -> {second})")
        rec = tote.run("reconcile", check=False)
        if rec.returncode != 0:
            print(rec.stdout[-3000:], rec.stderr[-2000:])
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "after both runs the warehouse reconciles exactly")
    finally:
        if 'demo' in locals() and demo.poll() is None:
            demo.kill()
        cleanup(data)


if __name__ == "__main__":
    main()
