"""The live dashboard of `tote demo` and `tote serve`, over the embedded warehouse.

1. `tote demo` prints the dashboard's one-time link first; the link sets an HttpOnly,
   SameSite=Strict cookie once; with the cookie the page and its event stream work, and version
   events arrive as facts commit; bets are on the dashboard within seconds.
2. After the demo stops, `tote serve` over the same data folder shows today's KPIs exactly as
   `tote report` computes them for that day (every country row, the day total and the active
   players), and each tile runs one warehouse statement for the (unchanging) version however
   often the dashboard is read. With a second argument (scripts/clickhouse18.sh), the same over a
   ClickHouse 18.16 server (exit 77 when none is installed)."""
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

DAY_US = 86400 * 10**6


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, headers=None, follow=True):
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def wait_for(predicate, what, seconds):
    """Readiness polling with a bounded number of tries (not synchronisation by sleeping)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"FAILED: {what} within {seconds} s")


def tile(dashboard, tile_id):
    t = next(t for t in dashboard["tiles"] if t["id"] == tile_id)
    if "error" in t:
        raise SystemExit(f"FAILED: tile {tile_id}: {t['error']}")
    return [dict(zip(t["columns"], r)) for r in t["rows"]]


def version_events(base, cookie, count, seconds):
    """The first `count` version events of the event stream, read with the session cookie."""
    host, port = base[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=seconds)
    conn.request("GET", "/api/v1/events", headers={"Cookie": cookie})
    resp = conn.getresponse()
    check(resp.status == 200 and resp.getheader("Content-Type", "").startswith("text/event-stream"),
          f"the event stream answers {resp.status} {resp.getheader('Content-Type')}")
    versions, block = [], ""
    version_events.carried = []  # (event version, the dashboard it carried)
    while len(versions) < count:
        line = resp.fp.readline().decode()
        if not line:
            break
        if line.strip():
            block += line
            continue
        m = re.search(r'data: \{"version":(-?\d+),"committed_at_ms":(\d+)[,}]', block)
        if m and "event: version" in block:
            versions.append(int(m.group(1)))
            data = json.loads(block.split("data: ", 1)[1])
            if "dashboard" in data:
                version_events.carried.append((data["version"], data["dashboard"]))
        block = ""
    conn.close()
    return versions


def live_demo(tote, data):
    demo = subprocess.Popen(tote.cmd("demo", "--rate", "20000", "--view-every", "0"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    try:
        first = demo.stdout.readline()
        m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/login\?once=([0-9a-f]{32})$", first.strip())
        check(m is not None, f"tote demo prints the dashboard's link first: {first.strip()!r}")
        base, link = m.group(1), m.group(0)[len("dashboard: "):]
        mode = os.stat(os.path.join(data, "dashboard.url")).st_mode & 0o777
        check(mode == 0o600, f"dashboard.url is readable by its owner only ({oct(mode)})")

        status, _, body = get(base + "/")
        check(status == 401 and "dashboard.url" in body, "the page without the cookie: 401, says where the link is")
        status, headers, _ = get(link, follow=False)
        cookie_header = headers.get("Set-Cookie", "")
        check(status == 303 and headers.get("Location") == "/", f"the one-time link redirects to / ({status})")
        check("HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header,
              f"the cookie is HttpOnly and SameSite=Strict ({cookie_header})")
        cookie = cookie_header.split(";")[0]
        status, _, _ = get(link, follow=False)
        check(status == 401, f"the link works once ({status} the second time)")
        with open(os.path.join(data, "dashboard.url")) as fh:
            fresh = fh.read().strip()
        check(fresh != link and fresh.startswith(base + "/login?once="), "dashboard.url holds a fresh link")

        status, _, page = get(base + "/", {"Cookie": cookie})
        check(status == 200 and '<script src="/app.js"></script>' in page, "with the cookie the page loads")
        status, _, _ = get(base + "/api/v1/dashboard", {"Cookie": cookie, "Origin": "http://evil.example"})
        check(status == 403, "a request from another web page is refused")

        def turnover_today():
            status, _, body = get(base + "/api/v1/dashboard", {"Cookie": cookie})
            if status != 200:
                return 0
            d = json.loads(body)
            as_of = tile(d, "as_of")[0]["as_of_us"]
            rows = [r for r in tile(d, "today_vs_yesterday") if r["day"] == as_of // DAY_US]
            return sum(r["turnover"] for r in rows)
        wait_for(lambda: turnover_today() > 0, "today's turnover is on the dashboard", 60)
        check(True, f"bets on the dashboard {time.monotonic() - started:.1f} s after tote demo started")

        versions = version_events(base, cookie, 4, 60)
        check(len(versions) == 4 and versions == sorted(set(versions)),
              f"version events arrive as facts commit, increasing: {versions}")
        carried = version_events.carried
        ids = [t["id"] for t in tile_list] if (tile_list := (carried[-1][1]["tiles"] if carried else [])) else []
        check(len(carried) >= 1 and all(d["version"] == v for v, d in carried) and
              "settlement_lag" in ids and all("rows" in t or "error" in t for t in tile_list),
              f"the events carry their version's tiles, computed once ahead ({len(carried)} of "
              f"{len(versions)}: {ids})")
    finally:
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=120)
    check(demo.returncode == 0, f"the demo stops cleanly ({demo.returncode}): {err[-2000:]}")
    check(not os.path.exists(os.path.join(data, "dashboard.url")), "the demo removes dashboard.url at exit")


REPORT_FIELDS = {
    "turnover": "turnover_eur_cents", "cash_turnover": "cash_turnover_eur_cents",
    "settled_turnover": "settled_turnover_eur_cents", "payouts_settled": "payouts_settled_eur_cents",
    "payouts_cash": "payouts_cash_eur_cents", "ggr_settled": "ggr_settled_eur_cents",
    "ggr_cash": "ggr_cash_eur_cents", "bets": "bets", "deposits": "deposits_eur_cents",
    "withdrawals": "withdrawals_eur_cents", "open_liability": "open_liability_eur_cents",
}


def fact_rows(tote, common, sql):
    out = tote.query(sql, *common).strip()
    return [[int(v) if re.fullmatch(r"-?\d+", v) else v for v in line.split("\t")]
            for line in out.splitlines()] if out else []


def raw_facts(tote, common):
    """Every version of the ledger, bet and leg facts (read before `tote serve` holds an
    embedded warehouse)."""
    return {
        "wallet": fact_rows(tote, common, "SELECT id, _version, player_id, type, status, "
                            "created_at_us, deleted FROM tote.fact_wallet_transaction"),
        "bets": fact_rows(tote, common, "SELECT bet_id, _version, status, "
                          "potential_payout_eur_cents, stake_eur_cents, settled_at_us FROM "
                          "tote.fact_bet"),
        "events": fact_rows(tote, common, "SELECT event_id, _version, deleted, finished_at_us "
                            "FROM tote.dim_event"),
        "legs": fact_rows(tote, common, "SELECT bet_id, leg_no, _version, event_id, market_id, "
                          "selection_id, deleted FROM tote.fact_bet_leg"),
    }


def first_deposits_and_liability(d, as_of, facts):
    """The first-time depositors and the trader view's liability, computed here from every
    version of the fact rows (the latest = the largest _version), not with the tiles' SQL."""
    latest = {}
    for r in facts["wallet"]:
        if r[0] not in latest or r[1] > latest[r[0]][1]:
            latest[r[0]] = r
    first = {}
    for _, _, player, typ, status, at, deleted in latest.values():
        if typ == "deposit" and status == "completed" and deleted == 0:
            first[player] = min(at, first.get(player, at))
    today = as_of // DAY_US
    cut_us = ((as_of // 3600_000_000) * 3600 + 3600 - 86400) * 1_000_000
    want = {}
    for at in first.values():
        if today * DAY_US <= at < (today + 1) * DAY_US or (today - 1) * DAY_US <= at < cut_us:
            want[at // DAY_US] = want.get(at // DAY_US, 0) + 1
    got = {r["day"]: r["ftd"] for r in tile(d, "first_deposits")}
    check(got == want and want.get(today, 0) > 0,
          f"first-time depositors per day {got} = computed from every ledger fact version {want}")

    bets = {}
    for r in facts["bets"]:
        if r[0] not in bets or r[1] > bets[r[0]][1]:
            bets[r[0]] = r
    legs = {}
    for r in facts["legs"]:
        k = (r[0], r[1])
        if k not in legs or r[2] > legs[k][2]:
            legs[k] = r
    by_sel = {}
    for bet_id, _, _, event, market, sel, deleted in legs.values():
        b = bets.get(bet_id)
        if deleted or not b or b[2] != "open":
            continue
        agg = by_sel.setdefault((event, market, sel), [0, 0])
        agg[0] += b[3] - b[4]
        agg[1] += 1
    want = sorted(((e, m, s, v[0], v[1]) for (e, m, s), v in by_sel.items()),
                  key=lambda t: (-t[3], t[2]))[:20]
    rows = tile(d, "liability")
    got = [(r["event_id"], r["market_id"], r["selection_id"], r["liability"], r["bets"]) for r in rows]
    check(got == want and len(got) > 0,
          f"the trader view's 20 largest open liabilities by selection = computed from every "
          f"fact version (largest EUR {want[0][3] / 100 if want else 0:,.2f})")
    check(all(r["event"] and r["market"] and r["selection"] for r in rows),
          "each liability row names its event, market and selection")

    # Settlement lag: bets won or lost today, settled_at − when the last of their legs' events
    # first finished; quantiles as quantileExact takes them (the element at floor(level x n)).
    events = {}
    for e in facts["events"]:
        if e[0] not in events or e[1] > events[e[0]][1]:
            events[e[0]] = e
    finished = {e[0]: e[3] for e in events.values() if e[2] == 0}
    bet_events = {}
    for bet_id, _, _, event, _, _, deleted in legs.values():
        if not deleted:
            bet_events.setdefault(bet_id, []).append(finished.get(event, 0))
    lags = []
    for bet_id, b in bets.items():
        times = bet_events.get(bet_id, [])
        if b[2] in ("won", "lost") and today * DAY_US <= b[5] < (today + 1) * DAY_US and times \
                and min(times) > 0:
            gap = b[5] - max(times)  # intDiv truncates toward zero
            lags.append(gap // 1_000_000 if gap >= 0 else -((-gap) // 1_000_000))
    lags.sort()
    want = {"bets": len(lags), "p50_s": lags[len(lags) // 2] if lags else 0,
            "p90_s": lags[int(0.9 * len(lags))] if lags else 0, "max_s": lags[-1] if lags else 0}
    got = tile(d, "settlement_lag")
    got = got[0] if got else {}
    check(got == want and want["bets"] > 0,
          f"settlement lag today {got} = computed from every fact and event version {want}")


def serve_equals_report(tote, data, common=()):
    """`common`: global options, e.g. --clickhouse-url of a ClickHouse 18.16 server."""
    # The newest fact's UTC day, as the dashboard defines today.
    as_of = int(tote.query("SELECT max(t) FROM (SELECT max(placed_at_us) AS t FROM tote.fact_bet "
                           "UNION ALL SELECT max(created_at_us) AS t FROM tote.fact_wallet_transaction)",
                           *common).strip())
    day = datetime.datetime.fromtimestamp(as_of / 1e6, datetime.timezone.utc).strftime("%Y-%m-%d")
    report = json.loads(tote.run(*common, "report", "--from", day, "--to", day, "--format", "json").stdout)
    countries = {r["country"]: r for r in report["rows"] if r["kind"] == "country"}
    total = next(r for r in report["rows"] if r["kind"] == "day_total")
    check(total["bets"] > 0, f"tote report shows {total['bets']} bets on {day}")
    facts = raw_facts(tote, common)

    serve = subprocess.Popen(tote.cmd(*common, "serve", "--port", "0"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        first = serve.stdout.readline()
        m = re.match(r"dashboard: (http://127\.0\.0\.1:\d+)/login\?once=[0-9a-f]{32}$", first.strip())
        check(m is not None, f"tote serve prints the dashboard's link: {first.strip()!r}")
        base = m.group(1)
        with open(os.path.join(data, "dashboard.token")) as fh:
            bearer = {"Authorization": "Bearer " + fh.read().strip()}
        dashboards = []
        for _ in range(3):  # three viewers' reads of the same version
            status, _, body = get(base + "/api/v1/dashboard", bearer)
            check(status == 200, f"GET /api/v1/dashboard with the token: {status}")
            dashboards.append(json.loads(body))
        d = dashboards[0]
        check(all(x == d for x in dashboards), "the same version reads the same tiles")
        check(tile(d, "as_of")[0]["as_of_us"] == as_of, "data as of = the newest fact")
        rows = [r for r in tile(d, "today_vs_yesterday") if r["day"] == as_of // DAY_US]
        got = {("(unknown)" if r["country"] == "" else r["country"]): r for r in rows}
        check(sorted(got) == sorted(countries), f"the same countries as tote report: {sorted(got)}")
        for country, want in countries.items():
            for col, field in REPORT_FIELDS.items():
                if got[country][col] != want[field]:
                    raise SystemExit(f"FAILED: {country} {col}: dashboard {got[country][col]}, report {want[field]}")
        check(True, f"every KPI of every country on {day} equals tote report's ({len(countries)} countries)")
        for col, field in REPORT_FIELDS.items():
            check(sum(r[col] for r in rows) == total[field],
                  f"day total {col} = {total[field]} (EUR cents / count) as tote report")
        players = [r for r in tile(d, "players") if r["level"] == 1 and r["day"] == as_of // DAY_US]
        check(len(players) == 1 and players[0]["players"] == total["active_players"],
              f"active players {players[0]['players'] if players else None} = tote report's {total['active_players']}")

        first_deposits_and_liability(d, as_of, facts)

        status, _, metrics = get(base + "/metrics", bearer)
        queries = dict(re.findall(r'tote_dashboard_warehouse_queries_total\{tile="(\w+)"\} (\d+)', metrics))
        check(len(queries) == 11 and set(queries.values()) == {"1"},
              f"three reads, one statement per tile at this version: {queries}")
    finally:
        serve.send_signal(signal.SIGINT)
        out, err = serve.communicate(timeout=60)
    check(serve.returncode == 0, f"tote serve stops cleanly on Ctrl-C ({serve.returncode}): {err[-2000:]}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def on_clickhouse18(binary, script):
    """The same equality over a ClickHouse 18.16 server: the tiles' SQL runs on both engines."""
    if not (shutil.which("clickhouse-server") or os.path.exists("/usr/sbin/clickhouse-server")):
        print("clickhouse-server is not installed: skipped")
        sys.exit(77)
    data = temp_data_dir("dashboard18")
    port = free_port()
    server_dir = os.path.join(data, "server")
    subprocess.run([script, "start", server_dir, str(port)], check=True)
    try:
        tote = Tote(binary, os.path.join(data, "tote"))
        common = ("--clickhouse-url", f"http://127.0.0.1:{port}")
        tote.run("simulate", "--max-events", "150000", "--seed", "15")
        tote.run(*common, "ingest")
        serve_equals_report(tote, tote.data_dir, common)
    finally:
        subprocess.run([script, "stop", server_dir, str(port)])
        cleanup(data)


def main():
    if len(sys.argv) > 2:
        on_clickhouse18(sys.argv[1], sys.argv[2])
        return
    data = temp_data_dir("dashboard")
    tote = Tote(sys.argv[1], data)
    try:
        live_demo(tote, data)
        serve_equals_report(tote, data)
    finally:
        cleanup(data)


if __name__ == "__main__":
    main()
