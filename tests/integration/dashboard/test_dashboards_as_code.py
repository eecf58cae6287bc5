"""Dashboards as code (issue 15, point 5): the repository's dashboards/ files applied into the
data folder and served from there.

  1. `tote dashboards diff dashboards/` on a fresh data folder: both files new, exit 1; `apply`
     applies them as versions 1 and 2; `diff` again: nothing differs, exit 0;
  2. `tote serve` with no flags serves the applied files: /api/v1/queries lists the repository's
     queries, /api/v1/alerts its alerts; a saved query with its parameters equals the same SQL
     with the literals, run by `tote query` before serve holds the embedded warehouse;
  3. a changed copy of the folder: diff shows the changed line (exit 1); a bad file applies
     nothing and names its line; apply makes version 3 while serve runs, which serves it without a
     restart; /api/v1/dashboards/history lists versions 3, 2, 1 with the diff of each.

usage: test_dashboards_as_code.py TOTE_BINARY SOURCE_DIR
"""
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
from test_dashboard import get, wait_for  # noqa: E402

ROOT = sys.argv[2]
REPO = os.path.join(ROOT, "dashboards")
BY_COUNTRY = ("SELECT country, sum(sign * turnover_eur_cents) / 100 AS turnover_eur, "
              "sum(sign * toInt64(bets)) AS bets FROM tote.kpi_hourly_contrib FINAL "
              "WHERE fact = 'bet' AND toDate(hour) >= toDate('{from_}') AND toDate(hour) <= "
              "toDate('{to}') GROUP BY country ORDER BY turnover_eur DESC")


def serve(tote):
    """(process, base URL, bearer headers) of a `tote serve` with no flags."""
    p = subprocess.Popen(tote.cmd("serve", "--port", "0"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/", p.stdout.readline())
    check(m is not None, "tote serve prints its link")
    with open(os.path.join(tote.data_dir, "dashboard.token")) as fh:
        return p, m.group(1), {"Authorization": "Bearer " + fh.read().strip()}


def stop(p):
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    check(p.returncode == 0, f"tote serve stops cleanly: {err[-500:]}")


def api(base, bearer, path):
    status, _, body = get(base + path, bearer)
    check(status == 200, f"GET {path}: HTTP {status} {body[:200]!r}")
    return json.loads(body)


def main():
    tote = Tote(sys.argv[1], temp_data_dir("dashboards-code"))
    work = os.path.join(tote.data_dir, "repo-copy")
    try:
        tote.run("simulate", "--max-events", "30000", "--seed", "9")
        tote.run("ingest")

        # 1. diff, apply, diff.
        d = tote.run("dashboards", "diff", REPO, check=False)
        check(d.returncode == 1 and "alerts.yaml: new" in d.stdout and "queries.yaml: new" in
              d.stdout and "+    chart: line" in d.stdout,
              f"diff on a fresh data folder: both files new, exit 1 (exit {d.returncode})")
        a = tote.run("dashboards", "apply", REPO)
        check("applied alerts.yaml as version 1" in a.stdout and
              "applied queries.yaml as version 2" in a.stdout, f"apply: {a.stdout.strip()}")
        d = tote.run("dashboards", "diff", REPO, check=False)
        check(d.returncode == 0 and "nothing differs" in d.stdout, "diff after apply: exit 0")

        # 2. Served from the data folder. Expected rows first (serve then holds the warehouse).
        expected = tote.query(BY_COUNTRY.format(from_="1970-01-01", to="2105-12-31"))
        expected = [line.split("\t") for line in expected.strip().splitlines()]
        day = tote.query("SELECT toString(max(toDate(hour))) FROM tote.kpi_hourly_contrib").strip()
        one_day = tote.query(BY_COUNTRY.format(from_=day, to=day))
        one_day = [line.split("\t") for line in one_day.strip().splitlines()]
        after = tote.query("SELECT toString(max(toDate(hour)) + 1) FROM "
                           "tote.kpi_hourly_contrib").strip()
        check(len(expected) > 1 and one_day and not tote.query(
                  BY_COUNTRY.format(from_=after, to=after)).strip(),
              f"{len(expected)} countries in all; {len(one_day)} on {day}; none on {after}")
        p, base, bearer = serve(tote)
        try:
            ids = [q["id"] for q in api(base, bearer, "/api/v1/queries")["queries"]]
            check(ids == ["turnover_by_day", "turnover_by_country", "biggest_open_bets"],
                  f"the applied queries are served: {ids}")
            alerts = [a["id"] for a in api(base, bearer, "/api/v1/alerts")["alerts"]]
            check("open_liability_ngn" in alerts, f"the applied alerts are served: {alerts}")

            def rows(params):
                r = api(base, bearer, "/api/v1/queries/turnover_by_country?" +
                        urllib.parse.urlencode(params))
                return [[str(v) for v in row] for row in r["data"]]
            check(rows({}) == expected, "turnover_by_country with its defaults equals tote query's")
            check(rows({"param_from": day, "param_to": day}) == one_day,
                  f"turnover_by_country for {day} equals tote query's")
            check(rows({"param_from": after}) == [], f"turnover_by_country from {after}: no rows")
            versions = api(base, bearer, "/api/v1/dashboards/history")["versions"]
            check([(v["version"], v["file"]) for v in versions] ==
                  [(2, "queries.yaml"), (1, "alerts.yaml")], "the history lists both versions")
        finally:
            stop(p)

        # 3. A change in a copy of the folder.
        shutil.copytree(REPO, work)
        path = os.path.join(work, "queries.yaml")
        text = open(path).read()
        open(path, "w").write(text.replace("title: Turnover per country, EUR",
                                           "title: Turnover per country (EUR)"))
        d = tote.run("dashboards", "diff", work, check=False)
        check(d.returncode == 1 and "-    title: Turnover per country, EUR" in d.stdout and
              "+    title: Turnover per country (EUR)" in d.stdout and
              "queries.yaml: changed (+1 -1 lines)" in d.stdout, "diff shows the changed line")
        bad = os.path.join(work, "alerts.yaml")
        good_alerts = open(bad).read()
        open(bad, "w").write("alerts:\n  - id: x\n    sql: SELECT 1\n")
        b = tote.run("dashboards", "apply", work, check=False)
        check(b.returncode == 2 and "nothing applied" in b.stderr and "alerts.yaml:2:" in b.stderr,
              f"a bad file applies nothing and is named with its line: {b.stderr.strip()[-200:]}")
        open(bad, "w").write(good_alerts)
        # Version 3, applied while tote serve runs: it reads the queries again by itself.
        p, base, bearer = serve(tote)
        try:
            a = tote.run("dashboards", "apply", work)
            check("applied queries.yaml as version 3" in a.stdout, f"apply: {a.stdout.strip()}")

            def title():
                qs = api(base, bearer, "/api/v1/queries")["queries"]
                return {q["id"]: q["title"] for q in qs}.get("turnover_by_country")
            wait_for(lambda: title() == "Turnover per country (EUR)",
                     "the running tote serve serves the new version", 30)
            check(True, "a running tote serve reads the applied queries again (no restart)")
            versions = api(base, bearer, "/api/v1/dashboards/history")["versions"]
            check([v["version"] for v in versions] == [3, 2, 1] and
                  "+    title: Turnover per country (EUR)" in versions[0]["diff"] and
                  versions[0]["applied_at"].endswith("Z"),
                  "the history holds version 3 with its diff")
        finally:
            stop(p)
    finally:
        cleanup(tote.data_dir)


if __name__ == "__main__":
    main()
