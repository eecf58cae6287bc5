"""Saved queries (issue 15, point 5) through `tote serve --queries dashboards/queries.yaml` over a
small simulated run: GET /api/v1/queries lists them; /api/v1/queries/ID?param_NAME=VALUE answers
exactly what `tote query` answers for the same statement with the literals bound by this test
(JSONCompact's meta and data, and the bytes of CSVWithNames for ID.csv); injection attempts in
String parameters are values (no rows, nothing changed); bad values, undeclared parameters and
unknown ids are refused with the reason; /api/v1/schema lists fact_bet's columns as
system.columns has them; a bad queries file stops serve naming FILE:LINE of each problem.

The embedded warehouse is held by serve while it runs, so the server's answers are recorded first
and `tote query` runs after serve stopped."""
import json
import os
import re
import signal
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402
from test_dashboard import get  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
QUERIES = os.path.join(REPO, "dashboards", "queries.yaml")
COUNTS = "SELECT (SELECT count() FROM tote.fact_bet), (SELECT count() FROM tote.kpi_hourly_contrib)"
INJECTIONS = ["x' OR 1=1 --", "' OR ''='", "x'); DROP TABLE tote.fact_bet; --", "\\' OR 1=1 --",
              "{country:String}", "x\\"]


def sql_string(value):
    """The test's own quoting of a String literal (ClickHouse: backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def bind(sql, values):
    """Placeholders {name:Type} -> literals, written here (Date: toDate('…'))."""
    def literal(m):
        name, typ = m.group(1), m.group(2)
        v = values[name]
        return {"Date": f"toDate('{v}')", "String": sql_string(v)}.get(typ, str(v))
    return re.sub(r"\{(\w+):(\w+)\}", literal, sql)


def main():
    tote = Tote(sys.argv[1], temp_data_dir("saved-queries"))
    try:
        tote.run("simulate", "--max-events", "30000", "--seed", "7")
        tote.run("ingest")
        days = tote.query("SELECT toString(min(toDate(hour))), toString(max(toDate(hour))) FROM "
                          "tote.kpi_hourly_contrib FINAL WHERE fact = 'bet'").split()
        country = tote.query("SELECT country FROM tote.kpi_hourly_contrib FINAL WHERE fact = 'bet' "
                             "GROUP BY country ORDER BY count() DESC, country LIMIT 1").strip()
        currency = tote.query("SELECT currency FROM tote.fact_bet GROUP BY currency "
                              "ORDER BY count() DESC, currency LIMIT 1").strip()
        counts = tote.query(COUNTS)
        schema = [r.split("\t") for r in tote.query(
            "SELECT name, type FROM system.columns WHERE database = 'tote' AND table = 'fact_bet' "
            "ORDER BY name").strip().split("\n")]
        check(len(days) == 2 and country and currency, f"bet days {days}, country {country}, currency {currency}")

        # A bad file: every problem with its line, before anything opens.
        bad = os.path.join(tote.data_dir, "bad.yaml")
        with open(bad, "w") as f:
            f.write("queries:\n"
                    "  - id: a\n"
                    "    sql: SELECT {x:Date}\n"
                    "  - id: b\n"
                    "    sql: SELECT 1\n"
                    "    chart: pie\n"
                    "    params:\n"
                    "      - {name: d, type: Date, default: \"2026-02-30\"}\n"
                    "    colour: red\n")
        out = tote.run("serve", "--queries", bad, check=False)
        for want in (f"{bad}:2: query 'a': placeholder {{x:Date}} names no declared parameter",
                     f"{bad}:4: query 'b': chart is table, line or bar",
                     f"{bad}:8: parameter 'd': default '2026-02-30' is not a day of the calendar",
                     f"{bad}:9: unknown key 'colour'"):
            check(out.returncode != 0 and want in out.stderr, f"a bad queries file stops serve: {want}")

        # The cases: (id, values sent, values bound by the test or None when refused, expected reason).
        cases = [
            ("turnover_by_day", {"from": days[0], "to": days[1], "country": country}, None),
            ("turnover_by_day", {}, None),  # the defaults
            ("turnover_by_country", {"from": days[1], "to": days[1]}, None),
            ("biggest_open_bets", {"currency": currency, "limit": "7"}, None),
        ] + [("turnover_by_day", {"country": s}, None) for s in INJECTIONS] + [
            ("biggest_open_bets", {"currency": s}, None) for s in INJECTIONS]
        refused = [
            ("turnover_by_day", {"to": "2026-02-30"}, "parameter 'to': '2026-02-30' is not a day of the calendar"),
            ("turnover_by_day", {"from": "2026-01-01' OR 1=1 --"}, "parameter 'from':"),
            ("biggest_open_bets", {"limit": "1; DROP TABLE tote.fact_bet"}, "parameter 'limit':"),
            ("biggest_open_bets", {"limit": "-1"}, "parameter 'limit':"),
            ("turnover_by_day", {"nation": "KE"}, "parameter 'nation' is not declared by this query"),
        ]
        serve = subprocess.Popen(tote.cmd("serve", "--port", "0", "--queries", QUERIES),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        got = []
        try:
            m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/", serve.stdout.readline())
            check(m is not None, "tote serve prints its link")
            base = m.group(1)
            with open(os.path.join(tote.data_dir, "dashboard.token")) as fh:
                bearer = {"Authorization": "Bearer " + fh.read().strip()}
            status, _, body = get(base + "/api/v1/queries", bearer)
            listed = {q["id"]: q for q in json.loads(body)["queries"]}
            check(status == 200 and sorted(listed) == ["biggest_open_bets", "turnover_by_country", "turnover_by_day"],
                  f"GET /api/v1/queries lists the file's queries: {sorted(listed)}")
            day = listed["turnover_by_day"]
            check([(p["name"], p["type"], p["default"]) for p in day["params"]] ==
                  [("from", "Date", "1970-01-01"), ("to", "Date", "2105-12-31"), ("country", "String", "")]
                  and (day["chart"], day["x"], day["y"]) == ("line", "day", "turnover_eur"),
                  "turnover_by_day: its parameters with types and defaults, its chart, x and y")
            for qid, values, _ in cases:
                q = "&".join(f"param_{k}={urllib.parse.quote(v, safe='')}" for k, v in values.items())
                s1, _, js = get(f"{base}/api/v1/queries/{qid}?{q}", bearer)
                s2, headers, csv = get(f"{base}/api/v1/queries/{qid}.csv?{q}", bearer)
                got.append((qid, values, s1, js, s2, headers, csv))
            for qid, values, reason in refused:
                q = "&".join(f"param_{k}={urllib.parse.quote(v, safe='')}" for k, v in values.items())
                for suffix in ("", ".csv"):
                    s, _, text = get(f"{base}/api/v1/queries/{qid}{suffix}?{q}", bearer)
                    check(s == 400 and reason in text, f"{qid}{suffix} {values}: 400, {text.strip()[:140]}")
            s, _, text = get(base + "/api/v1/queries/no_such_query", bearer)
            check(s == 404 and "GET /api/v1/queries lists them" in text, f"an unknown id: 404, {text.strip()}")
            s, _, text = get(base + "/api/v1/queries/turnover_by_day")
            check(s == 401, "without the token or the cookie: 401")
            s, _, body = get(base + "/api/v1/schema", bearer)
            rows = json.loads(body)["data"]
            served = [[r["name"], r["type"]] for r in rows if r["table"] == "fact_bet"]
            check(s == 200 and served == schema and len(schema) > 5,
                  f"GET /api/v1/schema lists fact_bet's {len(served)} columns with their types, as system.columns has them")
            check({r["table"] for r in rows} >= {"fact_bet", "fact_wallet_transaction", "kpi_hourly_contrib"},
                  "and the other tables of database tote")
        finally:
            serve.send_signal(signal.SIGINT)
            _, err = serve.communicate(timeout=60)
        check(serve.returncode == 0, f"tote serve stops cleanly: {err[-1000:]}")

        # The same statements with the literals bound here, run by tote query.
        for qid, values, s1, js, s2, headers, csv in got:
            full = {p["name"]: p["default"] for p in listed[qid]["params"]}
            full.update(values)
            sql = bind(listed[qid]["sql"], full)
            want = json.loads(tote.run("query", sql, "--format", "JSONCompact").stdout)
            answer = json.loads(js) if s1 == 200 else {}
            check(s1 == 200 and answer.get("meta") == want["meta"] and answer.get("data") == want["data"],
                  f"{qid} {values}: JSON equals tote query's {len(want['data'])} row(s)")
            want_csv = tote.run("query", sql, "--format", "CSVWithNames").stdout
            check(s2 == 200 and csv == want_csv and
                  headers.get("Content-Disposition") == f'attachment; filename="{qid}.csv"',
                  f"{qid}.csv {values}: the same {want_csv.count(chr(10)) - 1} row(s) as a CSV download")
            if any(v in INJECTIONS for v in values.values()):
                check(want["data"] == [], f"{qid} {values}: an injection attempt is only a value: no rows")
        check(tote.query(COUNTS) == counts, f"the warehouse is unchanged ({counts.strip()} rows)")
    finally:
        cleanup(tote.data_dir)


if __name__ == "__main__":
    main()
