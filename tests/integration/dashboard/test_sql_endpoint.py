"""ClickHouse's HTTP interface over the embedded warehouse (`tote serve --sql-port`, issue 15
point 8), tested with a real client from the registries: clickhouse-connect (the Python driver
Superset uses), pinned, installed into a virtual environment in the build folder; and with plain
HTTP as curl or Grafana send it.

After `tote simulate` + `tote ingest`, the figures read through the endpoint equal
`tote query`'s (read before serve holds the embedded warehouse); writes, DDL, a second statement
and INTO OUTFILE are refused with ClickHouse's READONLY code; a wrong password is refused.
Debian's clickhouse-client (18.16) speaks only ClickHouse's native TCP protocol, not HTTP, so it
cannot be pointed at this endpoint (docs/operations.md says so)."""
import base64
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

CLICKHOUSE_CONNECT = "clickhouse-connect==0.8.18"


def http(base, sql, password, method="POST", params=None):
    q = dict(params or {})
    url = base + "/"
    data = None
    if method == "GET":
        q["query"] = sql
    else:
        data = sql.encode()
    if q:
        url += "?" + urllib.parse.urlencode(q)
    auth = base64.b64encode(f"grafana:{password}".encode()).decode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Basic " + auth})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def client_venv(build_dir):
    """A virtual environment with the pinned clickhouse-connect (made once per build folder)."""
    venv = os.path.join(build_dir, "venv-clickhouse-connect")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([py, "-c", "import clickhouse_connect"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", CLICKHOUSE_CONNECT], check=True)
    return py


def main():
    binary = sys.argv[1]
    tote = Tote(binary, temp_data_dir("sql-endpoint"))
    try:
        tote.run("simulate", "--max-events", "40000", "--seed", "21")
        tote.run("ingest")
        want_bets = tote.query("SELECT count() FROM tote.fact_bet FINAL").strip()
        want_country = tote.query("SELECT player_country, count(), sum(stake_eur_cents) FROM "
                                  "tote.fact_bet FINAL GROUP BY player_country ORDER BY player_country")
        want_rows = [l.split("\t") for l in want_country.strip().splitlines()]
        check(int(want_bets) > 0 and len(want_rows) > 1, f"the warehouse holds {want_bets} bets")

        serve = subprocess.Popen(tote.cmd("serve", "--port", "0", "--sql-port", "0",
                                          "--sql-max-rows", "5000", "--sql-max-seconds", "2"),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            serve.stdout.readline()  # the dashboard's link
            serve.stdout.readline()
            line = serve.stdout.readline().strip()
            m = re.match(r"sql: (http://127\.0\.0\.1:(\d+)) \(ClickHouse HTTP interface", line)
            check(m is not None, f"tote serve prints the SQL endpoint: {line!r}")
            base, port = m.group(1), int(m.group(2))
            with open(os.path.join(tote.data_dir, "dashboard.token")) as fh:
                token = fh.read().strip()

            status, _, body = http(base, "", token, method="GET")
            check(status == 200 and body == "Ok.\n", "GET / answers Ok. as ClickHouse does")
            status, headers, body = http(base, "SELECT count() FROM tote.fact_bet FINAL", token, "GET")
            check(status == 200 and body.strip() == want_bets and headers.get("X-ClickHouse-Format") == "TabSeparated",
                  f"GET /?query= (as curl and Grafana send it): {body.strip()} bets = tote query's")
            status, _, body = http(base, "SELECT count() FROM fact_bet FINAL FORMAT CSV", token,
                                   params={"database": "tote"})
            check(status == 200 and body.strip() == want_bets,
                  "POST with database=tote resolves unqualified tables; the FORMAT clause is honoured")
            status, _, body = http(base, "SELECT 1", "wrong", "GET")
            check(status == 401 and "Code: 516" in body, f"a wrong password is refused: {status}")
            for sql in ["DROP TABLE tote.fact_bet", "INSERT INTO tote.etl_log (rule) VALUES ('x')",
                        "SELECT 1; DROP TABLE tote.fact_bet", "SET readonly = 0",
                        "SELECT 1 INTO OUTFILE '/tmp/tote-sql-endpoint-out.txt'",
                        "CREATE TABLE tote.x (a Int8) ENGINE = Memory"]:
                status, headers, body = http(base, sql, token)
                check(status == 500 and "Code:" in body and headers.get("X-ClickHouse-Exception-Code"),
                      f"refused ({headers.get('X-ClickHouse-Exception-Code')}): {sql}")
            check(not os.path.exists("/tmp/tote-sql-endpoint-out.txt"), "no file was written")
            status, headers, body = http(base, "SELECT number FROM system.numbers LIMIT 5001", token)
            check(status == 500 and headers.get("X-ClickHouse-Exception-Code") == "396",
                  f"a result above --sql-max-rows is refused (code {headers.get('X-ClickHouse-Exception-Code')})")
            status, headers, body = http(base, "SELECT count() FROM system.numbers", token)
            check(status == 500 and headers.get("X-ClickHouse-Exception-Code") == "159",
                  f"a statement beyond --sql-max-seconds is stopped (code {headers.get('X-ClickHouse-Exception-Code')})")
            status, _, body = http(base, "SELECT number FROM system.numbers LIMIT 5000", token)
            check(status == 200 and len(body.splitlines()) == 5000, "a result within the limits is whole")

            py = client_venv(os.path.dirname(os.path.dirname(os.path.dirname(binary))))
            script = f"""
import clickhouse_connect, sys
c = clickhouse_connect.get_client(host="127.0.0.1", port={port}, username="superset",
                                  password="{token}", database="tote")
print(c.server_version)
r = c.query("SELECT player_country, count(), sum(stake_eur_cents) FROM fact_bet FINAL "
            "GROUP BY player_country ORDER BY player_country")
for row in r.result_rows:
    print("\\t".join(str(v) for v in row))
try:
    c.command("DROP TABLE fact_bet")
    print("DROPPED")
except Exception as e:
    print("refused", "164" in str(e))
"""
            out = subprocess.run([py, "-c", script], capture_output=True, text=True, timeout=120)
            check(out.returncode == 0, f"clickhouse-connect ran: {out.stderr[-1500:]}")
            lines = out.stdout.strip().splitlines()
            check(re.match(r"\d+\.\d+", lines[0]) is not None, f"clickhouse-connect connected to {lines[0]}")
            got_rows = [l.split("\t") for l in lines[1:-1]]
            check(got_rows == want_rows, f"clickhouse-connect (Native format) reads tote query's rows: {len(got_rows)} countries")
            check(lines[-1] == "refused True", f"clickhouse-connect cannot drop a table: {lines[-1]}")
        finally:
            serve.send_signal(signal.SIGINT)
            _, err = serve.communicate(timeout=60)
        check(serve.returncode == 0, f"tote serve stops cleanly ({serve.returncode}): {err[-1500:]}")
        check(tote.query("SELECT count() FROM tote.fact_bet FINAL").strip() == want_bets,
              "the warehouse is unchanged")
    finally:
        cleanup(tote.data_dir)


if __name__ == "__main__":
    main()
