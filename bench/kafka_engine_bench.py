#!/usr/bin/env python3
"""Kafka -> ClickHouse 18.16: tote against ClickHouse's Kafka engine, in one run, on the project's
stack (issue 14, item 10; results in docs/benchmarks.md).

1. scripts/stack.sh starts Kafka 4.4 (KRaft) and the ClickHouse 18.16 server on free loopback
   ports with their data in a temporary folder (ClickHouse gets auto_offset_reset=smallest for
   its Kafka engine); `tote simulate` writes a log of --events change events, which
   kafka_bench_tool copies into a one-partition topic, byte-exact and in order (before either
   path reads it).
2. Throughput, each path alone on the full topic:
   a. `tote ingest --kafka-brokers … --kafka-topic … --clickhouse-url … --database …` (landing and
      facts, as shipped), then the same with --no-facts (landing only) unless --skip-no-facts;
   b. a Kafka engine table (each message one raw String: TabSeparated, one column) and a
      materialized view that picks the envelope's fields out with visitParamExtract* into a
      MergeTree table, until its row count stops growing.
   Printed per path: change events/s (wall clock, first read to last row landed), CPU-seconds per
   million change events of tote + the ClickHouse server together (utime+stime: tote's from
   wait4, the server's from /proc/<pid>/stat deltas), the broker's apart, peak RSS (tote: wait4's
   ru_maxrss; server: VmRSS sampled every 0.1 s), rows lost and duplicated (counted exactly,
   below).
3. Freshness at 50% load, each path alone on a fresh topic: the records are produced at half the
   rate the path reached in 2, for --fresh-seconds, every "ts_ms" of a value rewritten to the
   wall-clock millisecond the record is handed to the producer (its source commit time is "now").
   A poller asks the warehouse for max(source ts_ms) of what is visible every 0.1 s; a record
   stamped m is visible at the first poll that sees a maximum >= m, its freshness is that poll's
   time - m (records of one partition become visible in order on both paths). p50/p99 over every
   record produced. Resolution: the poll interval plus one query.

Rows lost or duplicated, exactly: kafka_bench_tool reads the log and writes every change event's
(table, lsn, total_order, op) and, per (table, key), the newest change's (lsn, total_order); they
are loaded into the server and compared by SQL.
 - Kafka engine (an append-only table: one row per message read): per (table, lsn, total_order,
   op) the rows landed against the change events produced; lost = missing rows, duplicated =
   surplus rows.
 - tote lands each table as the newest version per key (ReplacingMergeTree, read with FINAL) and
   collapses re-deliveries by design: lost = keys missing or not at their newest change,
   duplicated = rows beyond one per key under FINAL plus keys that were never produced. With facts
   `tote reconcile` also checks the fact tables against the simulator's ground truth.

usage: bench/kafka_engine_bench.py [--events N] [--fresh-seconds S] [--skip-no-facts]
                                   [--build DIR] [--keep]
Needs: a release build of tote and kafka_bench_tool (./scripts/build.sh release tote
kafka_bench_tool), Java 17 and the Kafka jars (scripts/stack.sh fetches them), clickhouse-server
18.16. Never a test; not run by CI.
"""
import argparse
import bisect
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from bench_stack import ROOT, StackBench, cpu_s, load, log, machine, status_mb, wait4

POLL = 0.1  # seconds between warehouse polls (freshness) and RSS samples


class ClickHouse:
    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/"

    def q(self, sql, data=None, timeout=600):
        url = self.url + "?" + urllib.parse.urlencode({"query": sql}) if data is not None else self.url
        body = data if data is not None else sql.encode()
        req = urllib.request.Request(url, data=body, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.read().decode()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"ClickHouse: {e.read().decode()[:500]}\nquery: {sql[:300]}")

    def value(self, sql):
        out = self.q(sql).strip()
        return int(out) if out else 0

    def load_file(self, table, path):
        with open(path, "rb") as f:
            self.q(f"INSERT INTO {table} FORMAT TabSeparated", data=f.read())


class RssSampler:
    """Peak VmRSS of some processes, sampled every POLL seconds while running."""

    def __init__(self, pids):
        self.pids, self.peak, self._stop = pids, {p: 0.0 for p in pids}, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            for p in self.pids:
                try:
                    self.peak[p] = max(self.peak[p], status_mb(p, "VmRSS"))
                except OSError:
                    pass
            self._stop.wait(POLL)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self.peak


class Bench(StackBench):
    def __init__(self, args):
        super().__init__(args, "tote-kbench-",
                         {"tote": "src/cli/tote", "tool": "bench/kafka_bench_tool"},
                         "./scripts/build.sh release tote kafka_bench_tool")
        self.ch = ClickHouse(self.ch_port)

    # ------------------------------------------------------------------ set-up
    def up(self):
        conf_d = os.path.join(self.stack_dir, "clickhouse", "config.d")
        os.makedirs(conf_d, exist_ok=True)
        with open(os.path.join(conf_d, "kafka.xml"), "w") as f:
            # librdkafka's default for a new group reads only new messages.
            f.write("<yandex><kafka><auto_offset_reset>smallest</auto_offset_reset></kafka></yandex>\n")
        dt = self.stack_up()
        log(f"stack up in {dt:.1f} s: Kafka {self.brokers}, ClickHouse {self.ch.url} "
            f"(version {self.ch.q('SELECT version()').strip()}), data in {self.stack_dir}")

    def simulate(self):
        self.src = os.path.join(self.work, "src")
        p, dt = self.run([self.tote, "--data-dir", self.src, "simulate", "--max-events",
                          str(self.args.events), "--seed", "14"], timeout=3600)
        with open(os.path.join(self.src, "ground_truth.json")) as f:
            self.records = json.load(f)["log_offset"]
        log(f"simulated {self.records:,} records in {dt:.1f} s")
        self.log = os.path.join(self.src, "log")
        changes, keys = (os.path.join(self.work, n) for n in ("changes.tsv", "keys.tsv"))
        p, _ = self.run([self.tool, "expect", self.log, "-1", changes, keys], timeout=3600)
        log(p.stdout.strip())
        self.changes_file, self.keys_file = changes, keys
        with open(changes) as f:
            self.change_events = sum(1 for _ in f)
        self.ch.q("CREATE DATABASE IF NOT EXISTS bench")
        self.ch.q("CREATE TABLE bench.changes (tbl String, lsn UInt64, ord UInt64, op String) "
                  "ENGINE = MergeTree ORDER BY (tbl, lsn, ord)")
        self.ch.q("CREATE TABLE bench.keys (tbl String, key String, lsn UInt64, ord UInt64) "
                  "ENGINE = MergeTree ORDER BY (tbl, key)")
        self.ch.load_file("bench.changes", changes)
        self.ch.load_file("bench.keys", keys)

    def fill(self):
        b0 = cpu_s(self.kafka_pid)
        p, dt = self.run([self.tool, "produce", self.log, self.brokers, "kb_load", "0", "0", "0", "-"],
                         timeout=3600)
        self.fill_broker_cpu = cpu_s(self.kafka_pid) - b0
        log(p.stdout.strip() + f"; broker CPU {self.fill_broker_cpu:.1f} s")

    # ------------------------------------------------------------------ tote
    def tote_cmd(self, data, database, topic, *extra):
        return [self.tote, "--data-dir", data, "--clickhouse-url", self.ch.url.rstrip("/"),
                "--database", database, "ingest", "--kafka-brokers", self.brokers,
                "--kafka-topic", topic, *extra]

    def tote_throughput(self, name, database, facts):
        data = os.path.join(self.work, name)
        cmd = self.tote_cmd(data, database, "kb_load", *([] if facts else ["--no-facts"]))
        c0, b0 = cpu_s(self.ch_pid), cpu_s(self.kafka_pid)
        rss = RssSampler([self.ch_pid])
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env)
        out = proc.stdout.read().decode()
        rc, tote_cpu, tote_rss = wait4(proc)
        wall = time.monotonic() - t0
        ch_cpu, broker_cpu = cpu_s(self.ch_pid) - c0, cpu_s(self.kafka_pid) - b0
        peak = rss.stop()
        if rc != 0:
            raise SystemExit(f"FAILED: {' '.join(cmd)} exited {rc}:\n{out[-3000:]}")
        log(f"{name}: {' '.join(cmd)}\n{out.strip()[-800:]}")
        lost, dup, stale, extra = self.tote_exactness(database)
        r = dict(wall=wall, tote_cpu=tote_cpu, ch_cpu=ch_cpu, broker_cpu=broker_cpu,
                 tote_rss=tote_rss, ch_rss=peak[self.ch_pid], lost=lost, dup=dup, stale=stale,
                 extra=extra)
        if facts:
            p = subprocess.run([self.tote, "--data-dir", self.src, "--clickhouse-url",
                                self.ch.url.rstrip("/"), "--database", database, "reconcile",
                                "--consumer", "kafka:kb_load:0"],
                               capture_output=True, text=True, env=self.env)
            r["reconcile"] = "exact" if p.returncode == 0 else f"exit {p.returncode}"
            log(f"tote reconcile: exit {p.returncode}: {(p.stdout + p.stderr).strip()[-600:]}")
        self.results[name] = r
        self.report_one(name, r)
        if facts:
            self.land_tables = self.ch.q(
                f"SELECT name FROM system.tables WHERE database = '{database}' "
                "AND name LIKE 'land\\_%'").split()
        self.settle(database)

    def land_union(self, database):
        tables = self.ch.q(f"SELECT name FROM system.tables WHERE database = '{database}' "
                           "AND name LIKE 'land\\_%' ORDER BY name").split()
        return " UNION ALL ".join(
            f"SELECT '{t[5:]}' AS tbl, _key AS key, _lsn AS lsn, _tx_order AS ord "
            f"FROM {database}.{t} FINAL WHERE _op != 't'" for t in tables)

    def tote_exactness(self, database):
        union = self.land_union(database)
        got, distinct = map(int, self.ch.q(
            f"SELECT count(), uniqExact(tbl, key) FROM ({union})").split())
        lost, stale = map(int, self.ch.q(
            "SELECT countIf(n = 0), countIf(n = 1 AND (g_lsn != lsn OR g_ord != ord)) FROM "
            "bench.keys ANY LEFT JOIN (SELECT tbl, key, lsn AS g_lsn, ord AS g_ord, toUInt8(1) AS n "
            f"FROM ({union})) USING (tbl, key)").split())
        expected = self.ch.value("SELECT count() FROM bench.keys")
        extra = distinct - (expected - lost)
        return lost + stale, got - distinct + extra, stale, extra

    def settle(self, database):
        """Drops a finished path's database and waits for the server's merges to end, so that
        the next path's server CPU is its own."""
        self.ch.q(f"DROP DATABASE IF EXISTS {database}")
        end = time.monotonic() + 120
        while time.monotonic() < end and self.ch.value("SELECT count() FROM system.merges"):
            time.sleep(0.5)

    # ------------------------------------------------------------------ Kafka engine
    def ke_create(self, database, topic, group):
        self.ch.q(f"CREATE DATABASE {database}")
        self.ch.q(f"CREATE TABLE {database}.changes (tbl String, lsn UInt64, tx_order UInt64, "
                  "op String, ts_ms UInt64, after String) ENGINE = MergeTree ORDER BY (tbl, lsn)")
        self.ch.q(f"CREATE TABLE {database}.queue (msg String) ENGINE = Kafka SETTINGS "
                  f"kafka_broker_list = '{self.brokers}', kafka_topic_list = '{topic}', "
                  f"kafka_group_name = '{group}', kafka_format = 'TabSeparated', "
                  "kafka_row_delimiter = '\\n', kafka_num_consumers = 1")
        # The MV starts the consumption.
        self.ch.q(f"CREATE MATERIALIZED VIEW {database}.mv TO {database}.changes AS SELECT "
                  "visitParamExtractString(msg, 'table') AS tbl, "
                  "visitParamExtractUInt(msg, 'lsn') AS lsn, "
                  "visitParamExtractUInt(msg, 'total_order') AS tx_order, "
                  "visitParamExtractString(msg, 'op') AS op, "
                  "visitParamExtractUInt(msg, 'ts_ms') AS ts_ms, "
                  "visitParamExtractRaw(msg, 'after') AS after "
                  f"FROM {database}.queue WHERE visitParamHas(msg, 'op')")

    def ke_throughput(self, name="kafka_engine", database="ke"):
        c0, b0 = cpu_s(self.ch_pid), cpu_s(self.kafka_pid)
        rss = RssSampler([self.ch_pid])
        t0 = time.monotonic()
        self.ke_create(database, "kb_load", "kb_ke")
        last, last_t, last_cpu, last_bcpu = -1, t0, 0.0, 0.0
        stall = self.args.stall_seconds
        while True:
            n = self.ch.value(f"SELECT count() FROM {database}.changes")
            now = time.monotonic()
            if n != last:
                last, last_t = n, now
                last_cpu, last_bcpu = cpu_s(self.ch_pid) - c0, cpu_s(self.kafka_pid) - b0
            if n >= self.change_events and now - last_t > 3:
                break  # all there (a few seconds more to see duplicates arrive)
            if now - last_t > stall:
                log(f"{name}: no new row for {stall} s at {n:,} of {self.change_events:,}")
                break
            time.sleep(0.25)
        peak = rss.stop()
        self.ch.q(f"DROP TABLE {database}.mv")
        lost, dup = map(int, self.ch.q(
            "SELECT sum(greatest(e - g, 0)), sum(greatest(g - e, 0)) FROM (SELECT tbl, lsn, ord, op, "
            "sum(e) AS e, sum(g) AS g FROM (SELECT tbl, lsn, ord, op, 1 AS e, 0 AS g FROM "
            f"bench.changes UNION ALL SELECT tbl, lsn, tx_order AS ord, op, 0 AS e, 1 AS g FROM "
            f"{database}.changes) GROUP BY tbl, lsn, ord, op)").split())
        r = dict(wall=last_t - t0, tote_cpu=0.0, ch_cpu=last_cpu, broker_cpu=last_bcpu,
                 tote_rss=0.0, ch_rss=peak[self.ch_pid], lost=lost, dup=dup, landed=last)
        self.results[name] = r
        self.report_one(name, r)
        self.settle(database)

    # ------------------------------------------------------------------ freshness
    def freshness(self, name, rate, start_consumer, visible_sql):
        topic = f"kb_fresh_{name}"
        times = os.path.join(self.work, f"times_{name}.tsv")
        seconds = self.args.fresh_seconds
        if rate * seconds > self.records:
            seconds = self.records / rate
        # The topic exists before the consumer starts: produce nothing, then start the consumer.
        self.run([self.tool, "produce", self.log, self.brokers, topic, "0", "1e-9", "0", "-"])
        consumer = start_consumer(topic)
        time.sleep(3)  # the consumer's start-up (schema, group join) is not freshness
        polls = []
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                try:
                    w = self.ch.value(visible_sql())
                except (RuntimeError, OSError):
                    w = 0
                polls.append((time.time() * 1000, w))
                stop.wait(POLL)

        c0, b0 = cpu_s(self.ch_pid), cpu_s(self.kafka_pid)
        th = threading.Thread(target=poll, daemon=True)
        th.start()
        p, _ = self.run([self.tool, "produce", self.log, self.brokers, topic, str(rate),
                         str(seconds), "1", times], timeout=3600)
        log(f"{name} freshness: {p.stdout.strip()}")
        stamped = []
        with open(times) as f:
            for line in f:
                ms, n = line.split()
                stamped.append((int(ms), int(n)))
        end = time.monotonic() + 120
        while time.monotonic() < end and (not polls or polls[-1][1] < stamped[-1][0]):
            time.sleep(POLL)
        stop.set()
        th.join()
        ch_cpu, broker_cpu = cpu_s(self.ch_pid) - c0, cpu_s(self.kafka_pid) - b0
        consumer_cpu = consumer()
        # Per record: the first poll whose visible maximum reaches its stamp.
        marks = [w for _, w in polls]
        for i in range(1, len(marks)):
            marks[i] = max(marks[i], marks[i - 1])
        lat, never = [], 0
        for ms, n in stamped:
            i = bisect.bisect_left(marks, ms)
            if i == len(marks):
                never += n
            else:
                lat.append((polls[i][0] - ms, n))
        lat.sort()
        total = sum(n for _, n in lat) + never

        def pct(q):
            need, acc = q * total, 0
            for v, n in lat:
                acc += n
                if acc >= need:
                    return v / 1000
            return float("inf")

        produced = sum(n for _, n in stamped)
        r = dict(rate=rate, seconds=seconds, produced=produced, p50=pct(0.5), p99=pct(0.99),
                 max=lat[-1][0] / 1000 if lat else float("inf"), never=never,
                 cpu_per_m=(ch_cpu + consumer_cpu) / produced * 1e6, broker_cpu=broker_cpu)
        self.results[name + "_fresh"] = r
        log(f"{name} freshness at {rate:,.0f} records/s for {seconds:.0f} s: p50 {r['p50']:.3f} s, "
            f"p99 {r['p99']:.3f} s, max {r['max']:.3f} s, {never} records never seen; "
            f"{r['cpu_per_m']:.2f} CPU-s per million records (consumer + ClickHouse)")

    def tote_freshness(self, rate):
        data = os.path.join(self.work, "tote_fresh")
        db = "tote_fresh"
        tables = self.land_tables
        state = {}

        def start(topic):
            cmd = self.tote_cmd(data, db, topic, "--follow", "--dashboard-port", "-1")
            state["proc"] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, env=self.env)

            def finish():
                proc = state["proc"]
                self.tote_histogram(data)
                proc.send_signal(2)
                _, cpu, _ = wait4(proc)
                return cpu
            return finish

        def visible():
            have = set(self.ch.q(f"SELECT name FROM system.tables WHERE database = '{db}'").split())
            parts = [f"SELECT max(_ts_ms) AS m FROM {db}.{t}" for t in tables if t in have]
            return f"SELECT max(m) FROM ({' UNION ALL '.join(parts)})" if parts else "SELECT 0"

        self.freshness("tote", rate, start, visible)
        self.settle(db)

    def tote_histogram(self, data):
        """tote's own view, from its /metrics: freshness per commit (its newest change: source
        commit time -> durable) and commit durations, as cumulative histogram buckets."""
        try:
            with open(os.path.join(data, "api.url")) as f:
                url = f.read().strip()
            with open(os.path.join(data, "api.token")) as f:
                token = f.read().strip()
            req = urllib.request.Request(url + "/metrics", headers={"X-ClickHouse-Key": token})
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read().decode()
        except (OSError, ValueError) as e:
            log(f"tote /metrics not read: {e}")
            return
        for name in ("tote_freshness_seconds", "tote_commit_duration_seconds"):
            buckets = [(l.split('le="')[1].split('"')[0], l.split()[-1]) for l in text.splitlines()
                       if l.startswith(name + "_bucket")]
            total = next((l.split()[-1] for l in text.splitlines()
                          if l.startswith(name + "_count")), "?")
            sums = next((float(l.split()[-1]) for l in text.splitlines()
                         if l.startswith(name + "_sum")), 0.0)
            msg = f"tote /metrics {name} (per commit, cumulative): " + ", ".join(
                f"<={le}: {n}" for le, n in buckets if le in ("0.25", "0.5", "1", "2.5", "5", "10", "+Inf"))
            msg += f"; {total} commits, mean {sums / max(int(total), 1):.3f} s" if total != "?" else ""
            log(msg)
            self.results.setdefault("tote_metrics", []).append(msg)

    def ke_freshness(self, rate):
        def start(topic):
            self.ke_create("ke_fresh", topic, "kb_ke_fresh")
            return lambda: 0.0  # the Kafka engine runs inside the server: its CPU is counted there

        self.freshness("kafka_engine", rate, start,
                       lambda: "SELECT max(ts_ms) FROM ke_fresh.changes")

    # ------------------------------------------------------------------ report
    def report_one(self, name, r):
        m = self.change_events / 1e6
        log(f"{name}: {self.change_events:,} change events in {r['wall']:.1f} s = "
            f"{self.change_events / r['wall']:,.0f}/s; CPU {r['tote_cpu']:.1f} s tote + "
            f"{r['ch_cpu']:.1f} s ClickHouse = {(r['tote_cpu'] + r['ch_cpu']) / m:.2f} CPU-s per "
            f"million (broker {r['broker_cpu'] / m:.2f}); peak RSS tote {r['tote_rss']:.0f} MB, "
            f"ClickHouse {r['ch_rss']:.0f} MB; lost {r['lost']}, duplicated {r['dup']}")

    def table(self):
        m = self.change_events / 1e6
        lines = [
            f"command: {' '.join(sys.argv)}",
            f"machine: {machine()}",
            f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1/5/15 min) at the "
            f"start {self.load_start}, at the end {load()} (the 2 cores are shared)",
            f"topic: {self.records:,} records = {self.change_events:,} change events (+ BEGIN/END "
            f"and tombstones), one partition; filled before reading, broker CPU for the fill "
            f"{self.fill_broker_cpu:.1f} s",
            "",
            "| path | change events/s | CPU-s per million (tote + ClickHouse) | broker CPU-s per "
            "million | peak RSS tote / ClickHouse (MB) | rows lost | rows duplicated | "
            "freshness p50 / p99 at 50% load (s) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        names = {"tote_facts": "tote ingest (landing + facts)",
                 "tote_landing": "tote ingest --no-facts (landing only)",
                 "kafka_engine": "Kafka engine + materialized view"}
        for key, label in names.items():
            r = self.results.get(key)
            if not r:
                continue
            f = self.results.get({"tote_facts": "tote_fresh",
                                  "kafka_engine": "kafka_engine_fresh"}.get(key, ""), None)
            fresh = (f"{f['p50']:.2f} / {f['p99']:.2f} (at {f['rate'] * self.change_events / self.records:,.0f}/s)"
                     if f else "–")
            cpu = (f"{(r['tote_cpu'] + r['ch_cpu']) / m:.2f} ({r['tote_cpu'] / m:.2f} + "
                   f"{r['ch_cpu'] / m:.2f})" if r["tote_cpu"] else
                   f"{r['ch_cpu'] / m:.2f} (all in ClickHouse)")
            rss = f"{r['tote_rss']:.0f} / {r['ch_rss']:.0f}" if r["tote_rss"] else f"– / {r['ch_rss']:.0f}"
            extra = f" (reconcile: {r['reconcile']})" if "reconcile" in r else ""
            lines.append(f"| {label} | {self.change_events / r['wall']:,.0f} | {cpu} | "
                         f"{r['broker_cpu'] / m:.2f} | {rss} | {r['lost']:,}{extra} | "
                         f"{r['dup']:,} | {fresh} |")
        lines.append("")
        width = 50
        best = max([300_000] + [self.change_events / r["wall"]
                                for k, r in self.results.items() if k in names])
        for key, label in names.items():
            r = self.results.get(key)
            if r:
                v = self.change_events / r["wall"]
                lines.append(f"{label[:38]:<38} {'#' * max(1, round(v / best * width)):<{width}} "
                             f"{v:,.0f}/s")
        lines.append(f"{'target (issue 14)':<38} {'#' * round(300_000 / best * width):<{width}} "
                     "300,000/s")
        lines.append("")
        lines.append("CPU-seconds per million change events (t = tote, c = ClickHouse server, "
                     "b = broker):")
        worst = max((r["tote_cpu"] + r["ch_cpu"] + r["broker_cpu"]) / m
                    for k, r in self.results.items() if k in names)
        for key, label in names.items():
            r = self.results.get(key)
            if r:
                t, c, b = (r[x] / m / worst * width for x in ("tote_cpu", "ch_cpu", "broker_cpu"))
                lines.append(f"{label[:38]:<38} {'t' * round(t)}{'c' * round(c)}{'b' * round(b)} "
                             f"{r['tote_cpu'] / m:.2f} + {r['ch_cpu'] / m:.2f} + "
                             f"{r['broker_cpu'] / m:.2f}")
        lines += self.results.get("tote_metrics", [])
        for key in ("tote_fresh", "kafka_engine_fresh"):
            f = self.results.get(key)
            if f:
                lines.append(f"freshness {key[:-6]}: {f['produced']:,} change records stamped, "
                             f"produced at {f['rate']:,.0f} records/s "
                             f"for {f['seconds']:.0f} s: p50 {f['p50']:.3f} s, p99 {f['p99']:.3f} s, "
                             f"max {f['max']:.3f} s, {f['never']:,} never visible; "
                             f"{f['cpu_per_m']:.2f} CPU-s per million records (consumer + "
                             f"ClickHouse, polls included), broker {f['broker_cpu']:.1f} s")
        self.write_results(lines)

    def steps(self):
        self.up()
        self.simulate()
        self.fill()
        self.tote_throughput("tote_facts", "tote_facts", facts=True)
        if not self.args.skip_no_facts:
            self.tote_throughput("tote_landing", "tote_landing", facts=False)
        self.ke_throughput()
        if self.args.fresh_seconds > 0:
            m = self.change_events
            self.tote_freshness(m / self.results["tote_facts"]["wall"] / 2 * self.records / m)
            self.ke_freshness(m / self.results["kafka_engine"]["wall"] / 2 * self.records / m)
        self.table()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=5_000_000, help="change events to simulate")
    ap.add_argument("--fresh-seconds", type=float, default=40,
                    help="seconds of production at 50%% load per path (0: no freshness)")
    ap.add_argument("--stall-seconds", type=float, default=30,
                    help="the Kafka engine is done when its table has not grown for this long")
    ap.add_argument("--skip-no-facts", action="store_true", help="skip tote --no-facts")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--keep", action="store_true", help="leave the stack and the data")
    Bench(ap.parse_args()).main()
