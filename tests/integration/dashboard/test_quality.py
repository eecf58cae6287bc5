"""The data-quality page through `tote serve` (HTTP) after a small simulated run.

`tote simulate` + `tote ingest` (+ `tote reconcile`) in a temporary data folder, then
`tote serve`: GET /api/v1/quality's ETL-log counts per rule equal
`SELECT rule, count() FROM tote.etl_log FINAL WHERE retracted = 0 GROUP BY rule`, the paged
drill-down of a rule lists exactly that many entries, dead letters equal _dead_letters FINAL,
duplicate business keys are 0 in the facts and the landing tables, freshness lists every landed
table with its newest commit, the reconciliation shows the run's verdict, each check is computed
once per version however often it is read, and the page is served. With a second argument
(scripts/clickhouse18.sh), the same over a ClickHouse 18.16 server (exit 77 when none is
installed)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402
from test_dashboard import free_port, get  # noqa: E402


def checks_of(page):
    return {c["id"]: c for c in page["checks"]}


def rows_of(c):
    if "error" in c:
        raise SystemExit(f"FAILED: check {c['id']}: {c['error']}")
    return [dict(zip(c["columns"], r)) for r in c["rows"]]


def quality_equals_sql(tote, data, common=()):
    expected = {}
    for line in tote.query("SELECT rule, count() FROM tote.etl_log FINAL WHERE retracted = 0 "
                           "GROUP BY rule ORDER BY rule", *common).splitlines():
        rule, n = line.split("\t")
        expected[rule] = int(n)
    check(len(expected) > 0, f"the simulated run logged ETL entries under {len(expected)} rules")
    dead = int(tote.query("SELECT count() FROM tote._dead_letters FINAL", *common).strip())
    tables = sorted(tote.query("SELECT name FROM system.tables WHERE database = 'tote' AND "
                               "substring(name, 1, 5) = 'land_' ORDER BY name", *common).split())
    newest = {}
    for t in tables:
        newest[t[5:]] = int(tote.query(f"SELECT max(_ts_ms) FROM tote.`{t}`", *common).strip())

    serve = subprocess.Popen(tote.cmd(*common, "serve", "--port", "0"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        first = serve.stdout.readline()
        m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/login\?once=[0-9a-f]{32}$", first.strip())
        check(m is not None, f"tote serve prints the dashboard's link: {first.strip()!r}")
        base = m.group(1)
        with open(os.path.join(data, "dashboard.token")) as fh:
            bearer = {"Authorization": "Bearer " + fh.read().strip()}

        status, _, page = get(base + "/quality", bearer)
        check(status == 200 and '<script src="/quality.js"></script>' in page, "the page is served")
        status, _, _ = get(base + "/api/v1/quality")
        check(status == 401, f"the API needs the token or the cookie ({status})")

        reads = []
        for _ in range(3):
            status, _, body = get(base + "/api/v1/quality", bearer)
            check(status == 200, f"GET /api/v1/quality: {status} {body[:300]}")
            reads.append(json.loads(body))
        page = reads[0]
        c = checks_of(page)
        check(sorted(c) == sorted(["freshness", "volume", "schema", "etl_log", "dead_letters", "fact_duplicates",
                                   "landing_duplicates", "reconciliation"]), f"the checks: {sorted(c)}")
        for chk in c.values():
            check(chk["status"] in ("pass", "warn", "fail", "n/a") and chk["rule"],
                  f"{chk['id']}: {chk['status']} with its rule shown")

        got = {r["rule"]: r["entries"] for r in rows_of(c["etl_log"])}
        check(got == expected, f"ETL-log entries in force per rule = tote query's: {got}")

        rule = max(expected, key=expected.get)
        listed, n = [], 0
        while True:
            q = urllib.parse.urlencode({"rule": rule, "page": n})
            status, _, body = get(base + "/api/v1/quality/etl_log?" + q, bearer)
            check(status == 200, f"drill-down of {rule} page {n}: {status}")
            d = json.loads(body)
            listed += d["rows"]
            if len(d["rows"]) < d["page_rows"]:
                break
            n += 1
        check(len(listed) == expected[rule] and all(r[4] >= 0 for r in listed),
              f"the drill-down of {rule} lists its {len(listed)} entries with their log offsets")

        letters = sum(r["letters"] for r in rows_of(c["dead_letters"]))
        check(letters == dead, f"dead letters {letters} = _dead_letters FINAL")
        dups = {r["table"]: r["duplicate_keys"] for r in rows_of(c["fact_duplicates"])}
        check(dups == {"fact_bet": 0, "fact_bet_leg": 0, "fact_wallet_transaction": 0}
              and c["fact_duplicates"]["status"] == "pass", f"no duplicate business key in the facts: {dups}")
        land = rows_of(c["landing_duplicates"])
        check(len(land) == len(tables) and all(r["duplicate_keys"] == 0 for r in land),
              f"no duplicate key in the {len(land)} landing tables")
        fresh = {r["source_table"]: r["last_commit_ms"] for r in rows_of(c["freshness"])}
        check(fresh == newest, f"freshness: each landed table's newest commit ({len(fresh)} tables)")
        rec = c["reconciliation"]
        check(rec["status"] == "pass", f"the reconciliation of this run: {rec['status']} {rec.get('summary')}")
        groups = rows_of(rec)
        check(groups and all(g["status"] == "pass" and g["differences"] == "0" and
                             g["ledger_rows_source_warehouse"].split(" / ")[0] ==
                             g["ledger_rows_source_warehouse"].split(" / ")[1] and
                             g["net_minor_source_warehouse"].split(" / ")[0] ==
                             g["net_minor_source_warehouse"].split(" / ")[1] for g in groups)
              and all(len(g["day"]) == 10 and len(g["currency"]) == 3 for g in groups),
              f"the reconciliation per day x currency: {len(groups)} rows, each pass with equal "
              f"ledger rows and net amounts in the source and the warehouse")

        check(all(checks_of(r) == c for r in reads[1:]) or reads[1]["version"] != page["version"],
              "the same version reads the same checks")
        status, _, metrics = get(base + "/metrics", bearer)
        runs = {k: v for k, v in re.findall(r'tote_quality_warehouse_queries_total\{check="(\w+)"\} (\d+)', metrics)
                if k not in ("etl_entries", "dead_letter_rows")}  # drill-downs: one per page
        check(sorted(runs) == sorted(["tables", "freshness", "volume", "schema", "etl_log", "dead_letters",
                                      "fact_duplicates", "landing_duplicates"]) and set(runs.values()) == {"1"},
              f"three reads, one statement per check at this version: {runs}")
    finally:
        serve.send_signal(signal.SIGINT)
        out, err = serve.communicate(timeout=60)
    check(serve.returncode == 0, f"tote serve stops cleanly ({serve.returncode}): {err[-2000:]}")


def run(binary, common=(), script=None):
    data = temp_data_dir("quality")
    server_dir, port = None, None
    try:
        if script:
            port = free_port()
            server_dir = os.path.join(data, "server")
            subprocess.run([script, "start", server_dir, str(port)], check=True)
            common = ("--clickhouse-url", f"http://127.0.0.1:{port}")
        tote = Tote(binary, os.path.join(data, "tote"))
        tote.run("simulate", "--max-events", "60000", "--seed", "15")
        tote.run(*common, "ingest")
        tote.run(*common, "reconcile")
        quality_equals_sql(tote, tote.data_dir, common)
    finally:
        if script:
            subprocess.run([script, "stop", server_dir, str(port)])
        cleanup(data)


def main():
    if len(sys.argv) > 2:
        if not (shutil.which("clickhouse-server") or os.path.exists("/usr/sbin/clickhouse-server")):
            print("clickhouse-server is not installed: skipped")
            sys.exit(77)
        run(sys.argv[1], script=sys.argv[2])
        return
    run(sys.argv[1])


if __name__ == "__main__":
    main()
