"""`tote demo`: rows arrive within seconds, `tote query` and `tote reconcile` work through the
running process (reconcile pauses the simulator at a checkpoint and is exact), Ctrl-C stops
cleanly, and a second run continues the same log and warehouse."""
import base64
import json
import os
import re
import urllib.error
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

        # POST /status with the token: the ingest's progress, the fact stage's included.
        with open(api_file) as fh:
            url = fh.read().strip()
        with open(os.path.join(data, "api.token")) as fh:
            token = fh.read().strip()
        mode = os.stat(os.path.join(data, "api.token")).st_mode & 0o777
        check(mode == 0o600, f"api.token is readable by its owner only ({oct(mode)})")

        def call(path, method="POST", body=b"", headers=None):
            req = urllib.request.Request(url + path, data=body if method == "POST" else None,
                                         method=method, headers=headers or {})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return resp.status, resp.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode()

        auth = {"X-ClickHouse-Key": token}
        code, body = call("/status", headers=auth)
        status = json.loads(body)
        check(code == 200 and status["durable_offset"] >= offsets[1]
              and status["bet_fact_versions"] > 0 and status["fact_transactions"] > 0
              and "pending_facts" in status and status["state_bets"] > 0,
              f"POST /status reports landing, fact progress and state size ({status})")

        # The local API: only tote's own commands may use it, and reads cannot write.
        sql = b"DROP TABLE tote._offsets"
        code, _ = call("/", body=b"SELECT 1")
        check(code == 401, f"a statement without the token is refused ({code})")
        code, _ = call("/", body=b"SELECT 1", headers={"X-ClickHouse-Key": "0" * 32})
        check(code == 401, f"a wrong token is refused ({code})")
        code, _ = call("/?query=SELECT%201", method="GET", headers=auth)
        check(code == 405, f"GET with the token is refused: POST only ({code})")
        code, _ = call("/", body=b"SELECT 1", headers={**auth, "Origin": "http://evil.example"})
        check(code == 403, f"a request from another web origin is refused ({code})")
        code, body = call("/", body=sql, headers=auth)
        check(code == 400 and "read-only" in body, f"DROP through the API is refused ({code} {body.strip()[:120]})")
        code, body = call("/", body=b"SELECT count() FROM tote._offsets", headers=auth)
        check(code == 200 and int(body.strip()) > 0, "and the table is still there")
        basic = "Basic " + base64.b64encode(f"tote:{token}".encode()).decode()
        code, body = call("/", body=b"SELECT 42", headers={"Authorization": basic})
        check(code == 200 and body.strip() == "42", "the token also works as the basic-auth password")
        code, _ = call("/ping", method="GET")
        check(code == 200, "GET /ping needs no token")

        # GET /metrics (Prometheus text format) with the token as a bearer token.
        code, _ = call("/metrics", method="GET")
        check(code == 401, f"GET /metrics without the token is refused ({code})")
        code, text = call("/metrics", method="GET", headers={"Authorization": "Bearer " + token})
        check(code == 200, f"GET /metrics with a bearer token answers ({code})")
        samples, types = {}, {}
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ")
                types[name] = kind
            elif line and not line.startswith("#"):
                series, value = line.rsplit(" ", 1)
                samples[series] = float(value)
        def sample(name, extra=""):
            labels = 'consumer="ingest"' + ("," + extra if extra else "")
            return samples[f"{name}{{{labels}}}"]
        check(types.get("tote_freshness_seconds") == "histogram"
              and types.get("tote_ingest_changes_total") == "counter", "metric families are typed")
        check(sample("tote_ingest_changes_total") > 0 and sample("tote_fact_bet_versions_total") > 0
              and sample("tote_consumer_durable_position") >= offsets[1],
              "the counters and the position are those of the running ingest")
        for h in ("tote_freshness_seconds", "tote_commit_duration_seconds"):
            buckets = [v for k, v in samples.items() if k.startswith(h + "_bucket")]
            check(len(buckets) >= 2 and buckets == sorted(buckets)
                  and buckets[-1] == sample(h + "_count") > 0,
                  f"{h}: cumulative buckets ending at the count ({int(sample(h + '_count'))} commits)")
        check(sample("tote_consumer_lag_records") >= 0 and sample("tote_process_resident_memory_bytes") > 1e6,
              "lag and resident memory are exposed")
        res = tote.run("query", "DROP TABLE tote.fact_bet", check=False)
        check(res.returncode == 2 and "read-only" in res.stderr,
              "tote query refuses a DROP while the demo runs")
        res = tote.run("query", "--write", "CREATE TABLE tote.scratch (x UInt8) ENGINE = Memory")
        check(res.returncode == 0, "tote query --write changes the warehouse through the demo")
        tote.run("query", "--write", "DROP TABLE tote.scratch")

        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=60)
        check(demo.returncode == 0, f"Ctrl-C stops the demo cleanly (exit {demo.returncode}, {err[-300:]})")
        check("demo stopped" in out, "the demo prints its summary")
        check(not os.path.exists(api_file) and not os.path.exists(os.path.join(data, "api.token")),
              "api.url and api.token are removed on exit")
        first = tote.ground_truth()["log_offset"]
        # Logs as JSON lines (--log-format json): an error is one object with its level and class.
        res = tote.run("--log-format", "json", "query", "SELECT * FROM tote.no_such_table", check=False)
        lines = [json.loads(l) for l in res.stderr.splitlines() if l.startswith("{")]
        check(res.returncode != 0 and len(lines) == 1 and lines[0]["level"] == "error"
              and lines[0]["class"] == "fatal" and "no_such_table" in lines[0]["msg"]
              and lines[0]["ts"].endswith("Z"),
              f"--log-format json writes the error as one JSON object ({res.stderr.strip()[:200]})")

        # Long enough for the simulator to resume its state and go on, on a loaded machine too.
        again = tote.run("demo", "--duration", "8", "--view-every", "0")
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
