"""SQL alerts (issue 15, point 6) through `tote serve --alerts FILE` over a small simulated run:
thresholds and a change against a baseline evaluated on live data, the state of each alert at
GET /api/v1/alerts (values equal to `tote query`'s, read before serve holds the embedded
warehouse), each change of state POSTed once to a webhook (a local HTTP server here), a
statement that would write is an alert in state error (never run), and a bad file stops serve
with its line."""
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402
from test_dashboard import get, wait_for  # noqa: E402

COUNT = "SELECT count() FROM tote.fact_bet FINAL"


class Hook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    tote = Tote(sys.argv[1], temp_data_dir("alerts"))
    hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    try:
        tote.run("simulate", "--max-events", "30000", "--seed", "5")
        tote.run("ingest")
        bets = int(tote.query(COUNT).strip())
        check(bets > 0, f"{bets} bets")

        bad = os.path.join(tote.data_dir, "bad.yaml")
        with open(bad, "w") as f:
            f.write("alerts:\n  - id: a\n    sql: SELECT 1\n  - id: b\n    sql: SELECT 1\n    above: x\n")
        out = tote.run("serve", "--alerts", bad, check=False)
        check(out.returncode != 0 and "bad.yaml:2: alert 'a' needs a condition" in out.stderr
              and "bad.yaml:6: above must be a number" in out.stderr,
              f"a bad alerts file stops serve with its lines: {out.stderr.strip()[-300:]}")

        alerts = os.path.join(tote.data_dir, "alerts.yaml")
        with open(alerts, "w") as f:
            f.write(f"""alerts:
  - id: many_bets
    sql: {COUNT}
    above: {bets - 1}
    webhook: {url}
  - id: few_bets
    sql: {COUNT}
    below: {bets}
    webhook: {url}
  - id: doubled
    sql: {COUNT}
    baseline_sql: SELECT intDiv(count(), 2) FROM tote.fact_bet FINAL
    change_above_pct: 50
    webhook: {url}
  - id: writes
    sql: DROP TABLE tote.fact_bet
    above: 0
""")
        serve = subprocess.Popen(tote.cmd("serve", "--port", "0", "--alerts", alerts),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/", serve.stdout.readline())
            check(m is not None, "tote serve prints its link")
            base = m.group(1)
            with open(os.path.join(tote.data_dir, "dashboard.token")) as fh:
                bearer = {"Authorization": "Bearer " + fh.read().strip()}

            def evaluated():
                status, _, body = get(base + "/api/v1/alerts", bearer)
                d = json.loads(body) if status == 200 else {}
                return d if d.get("evaluated_version", -1) >= 0 and len(Hook.received) >= 2 else None
            d = wait_for(evaluated, "the alerts are evaluated and their webhooks sent", 60)
            by_id = {a["id"]: a for a in d["alerts"]}
            check(by_id["many_bets"]["state"] == "triggered" and by_id["many_bets"]["value"] == bets,
                  f"many_bets: triggered, value {by_id['many_bets']['value']} = tote query's {bets}")
            check(by_id["few_bets"]["state"] == "ok", f"few_bets: ok ({by_id['few_bets']['reason']})")
            check(by_id["doubled"]["state"] == "triggered" and by_id["doubled"]["baseline"] == bets // 2,
                  f"doubled: a change against the baseline ({by_id['doubled']['reason']})")
            check(by_id["writes"]["state"] == "error" and "read-only" in by_id["writes"]["reason"],
                  f"a statement that would write is an error, not run: {by_id['writes']['reason'][:120]}")
            for a in ("many_bets", "doubled"):
                check(by_id[a]["webhook_status"] == "200" and by_id[a]["history"][-1]["to"] == "triggered",
                      f"{a}: its change of state was POSTed (status {by_id[a]['webhook_status']}) and kept")
            sent = sorted((h["alert"], h["state"], h["value"]) for h in Hook.received)
            check(sent == [("doubled", "triggered", bets), ("many_bets", "triggered", bets)],
                  f"the webhook received exactly the two triggered alerts, once each: {sent}")
        finally:
            serve.send_signal(signal.SIGINT)
            _, err = serve.communicate(timeout=60)
        check(serve.returncode == 0, f"tote serve stops cleanly: {err[-1000:]}")
        check(int(tote.query(COUNT).strip()) == bets, "the warehouse is unchanged")
    finally:
        hook.shutdown()
        cleanup(tote.data_dir)


if __name__ == "__main__":
    main()
