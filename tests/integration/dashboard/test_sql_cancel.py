"""Cancel really cancels (issue 15, points 7 and 10) for people's statements of `tote serve`:
the SQL editor's and a saved query's requests carry a query_id the page chose, and
GET /api/v1/sql/cancel?query_id=ID stops that statement in the engine.

With a ClickHouse 18.16 server (argument: scripts/clickhouse18.sh; skipped, 77, without one): a
slow statement is seen in the server's system.processes (read directly from the server, not
through tote), cancelled, and then gone from system.processes, its own request answering 499
"cancelled" long before it would have ended; an unknown id is 404, a bad one 400, an id in use
409; the dashboard goes on answering.

Without an argument (the embedded engine): cancel answers 501 saying why (libchdb runs one
statement at a time on one query thread) and the statement runs to its end: nothing is faked."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402
from test_dashboard import free_port, get, wait_for  # noqa: E402

# Slow without using CPU: one row per block, half a second each; an aggregation, so its only
# result block comes at its end.
SLOW = "SELECT count() FROM numbers({n}) WHERE sleepEachRow(0.5) = 0 SETTINGS max_block_size = 1"
QUERIES = """queries:
  - id: slow
    title: A slow count
    params:
      - {name: n, type: UInt64, default: "100"}
    sql: SELECT count() AS c FROM numbers({n:UInt64}) WHERE sleepEachRow(0.5) = 0 SETTINGS max_block_size = 1
"""


def server_sql(port, sql):
    """A statement run on the ClickHouse server directly (a path that is not tote's)."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=sql.encode())
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read().decode()


class Request(threading.Thread):
    """One GET in the background: status, body and how long it took."""

    def __init__(self, url, headers):
        super().__init__(daemon=True)
        self.url, self.headers, self.result = url, headers, None

    def run(self):
        started = time.monotonic()
        status, _, body = get(self.url, self.headers)
        self.result = (status, body, time.monotonic() - started)


def start_serve(tote, common, queries):
    serve = subprocess.Popen(tote.cmd(*common, "serve", "--port", "0", "--queries", queries),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/", serve.stdout.readline())
    check(m is not None, "tote serve prints its link")
    with open(os.path.join(tote.data_dir, "dashboard.token")) as fh:
        bearer = {"Authorization": "Bearer " + fh.read().strip()}
    return serve, m.group(1), bearer


def stop_serve(serve):
    serve.send_signal(signal.SIGINT)
    _, err = serve.communicate(timeout=120)
    check(serve.returncode == 0, f"tote serve stops cleanly: {err[-600:]}")


def on_server(binary, script):
    if not (shutil.which("clickhouse-server") or os.path.exists("/usr/sbin/clickhouse-server")):
        if os.environ.get("CI") == "true":  # CI installs everything: missing is a failure
            print("FAILED: clickhouse-server is not installed (scripts/install-deps.sh --tests)")
            sys.exit(1)
        print("clickhouse-server is not installed: skipped")
        sys.exit(77)
    data = temp_data_dir("cancel18")
    port = free_port()
    server_dir = os.path.join(data, "server")
    subprocess.run([script, "start", server_dir, str(port)], check=True)
    try:
        tote = Tote(binary, os.path.join(data, "tote"))
        common = ("--clickhouse-url", f"http://127.0.0.1:{port}")
        tote.run("simulate", "--max-events", "3000", "--seed", "3")
        tote.run(*common, "ingest")
        queries = os.path.join(data, "queries.yaml")
        with open(queries, "w") as f:
            f.write(QUERIES)
        serve, base, bearer = start_serve(tote, common, queries)
        try:
            def running(qid):
                return server_sql(port, "SELECT count() FROM system.processes WHERE query_id = "
                                        f"'{qid}'").strip()

            cases = [("the SQL editor's statement", "tote-test-editor-0001",
                      "/api/v1/sql?" + urllib.parse.urlencode({"query": SLOW.format(n=100)})),
                     ("a saved query", "tote-test-saved-0001", "/api/v1/queries/slow?param_n=100")]
            for what, qid, path in cases:
                req = Request(f"{base}{path}&query_id={qid}", bearer)
                req.start()
                wait_for(lambda: running(qid) == "1", f"{what} runs on the server under {qid}", 30)
                status, _, body = get(f"{base}/api/v1/sql?query=SELECT%201&query_id={qid}", bearer)
                check(status == 409, f"a second statement under the same query_id is refused: {status} {body.strip()}")
                status, _, body = get(f"{base}/api/v1/sql/cancel?query_id={qid}", bearer)
                check(status == 200 and json.loads(body) == {"query_id": qid, "cancelled": True},
                      f"cancel of {what}: {status} {body.strip()}")
                check(running(qid) == "0", f"{what} is gone from the server's system.processes once cancel answered")
                req.join(60)
                status, body, took = req.result
                check(status == 499 and "cancelled" in body and "Query was cancelled" in body,
                      f"{what}'s own request answers 499 after {took:.1f} s (uncancelled: 50 s): {body.strip()[:160]}")
            status, _, body = get(f"{base}/api/v1/sql/cancel?query_id=tote-test-none", bearer)
            check(status == 404, f"cancel of an id nothing runs under: 404 {body.strip()}")
            status, _, body = get(f"{base}/api/v1/sql/cancel?query_id=x%27%20OR%201%3D1", bearer)
            check(status == 400, f"a query_id that is not letters, digits, - or _: 400 {body.strip()}")
            status, _, body = get(f"{base}/api/v1/sql?query=SELECT%2042&query_id=tote-test-after", bearer)
            check(status == 200 and json.loads(body)["data"] == [[42]], "the editor goes on answering")
        finally:
            stop_serve(serve)
    finally:
        subprocess.run([script, "stop", server_dir, str(port)])
        cleanup(data)


def on_embedded(binary):
    tote = Tote(binary, temp_data_dir("cancel-embedded"))
    try:
        tote.run("simulate", "--max-events", "3000", "--seed", "3")
        tote.run("ingest")
        queries = os.path.join(tote.data_dir, "queries.yaml")
        with open(queries, "w") as f:
            f.write(QUERIES)
        serve, base, bearer = start_serve(tote, (), queries)
        try:
            qid = "tote-test-embedded-0001"
            req = Request(f"{base}/api/v1/sql?" + urllib.parse.urlencode({"query": SLOW.format(n=6)}) +
                          f"&query_id={qid}", bearer)
            req.start()

            def refused():
                status, _, body = get(f"{base}/api/v1/sql/cancel?query_id={qid}", bearer)
                return (status, body) if status != 404 else None  # 404 until it is registered
            status, body = wait_for(refused, "the cancel is answered", 30)
            check(status == 501 and "embedded engine" in body and "single query thread" in body,
                  f"on the embedded engine cancel is 501, saying why: {body.strip()[:200]}")
            req.join(60)
            status, body, took = req.result
            check(status == 200 and json.loads(body)["data"] == [[6]],
                  f"and the statement runs to its end ({took:.1f} s): not cancelled, not faked: {body[:200]}")
        finally:
            stop_serve(serve)
    finally:
        cleanup(tote.data_dir)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        on_server(sys.argv[1], sys.argv[2])
    else:
        on_embedded(sys.argv[1])
