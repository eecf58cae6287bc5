#!/usr/bin/env python3
"""`tote ingest --kafka-group`: one process holding every source database's topic against one
process per database, and the cost of a rebalance, in one run on the project's stack (issue 14,
item 3: "measure it, and write the trade-off down"; results in docs/benchmarks.md).

1. scripts/stack.sh starts Kafka 4.4 (KRaft) and the ClickHouse 18.16 server on free loopback
   ports with their data in a temporary folder. `tote simulate --max-events N --seed S` writes
   one log per source database (K of them, seeds 41, 42, ...); log_to_kafka copies each into its
   own new one-partition topic gbench.<a|b|...>, byte-exact and in order, before anything reads.
2. Each on fresh warehouse databases (one per source: <prefix>_<a|b|...>) and a fresh group:
   a. one `tote ingest --kafka-group` process subscribed to the K topics (it holds them all);
   b. K processes of one group, started together, every one subscribed to the K topics (the
      coordinator gives each one partition: checked from their "group: <topic>/0 assigned" and
      "revoked" lines).
   Every process: --kafka-property session.timeout.ms=6000, --checkpoint-every 200000 and the
   run's shared --checkpoint-dir, its own --data-dir, --api-port 0; otherwise as shipped (landing
   + facts, default batch).
   Measured from the start of the processes until every topic's `_offsets` position (polled as
   `SELECT next_offset FROM <db>._offsets FINAL WHERE consumer = 'kafka:<topic>:0'` through
   `tote query --clickhouse-url`, every --poll seconds) equals its topic's end: wall time, change
   events/s in total (K x N over that time), CPU-seconds (utime + stime, /proc/<pid>/stat, all
   threads) per million change events of the tote processes and of the ClickHouse server over
   the same interval, the broker apart; peak RSS per tote process (VmHWM at that moment).
   Then the processes stop on SIGTERM (exit 0, "group: left"), and `tote reconcile --consumer
   kafka:<topic>:0` of each warehouse database against its source's ground truth must print
   "RECONCILED: exact". The databases of a) are dropped and the server's merges waited out
   before b) starts, so that b)'s server CPU is its own.
3. c. A rebalance: with b)'s K processes running and caught up, one is SIGKILLed; measured from
   the kill: until its partition's new owner prints "group: <topic>/0 assigned", "restored
   checkpoint at offset" (when a checkpoint was used; printed together with the next line) and
   "resuming at offset" (with the seconds it took to rebuild the fact state from the records
   after the checkpoint, as it prints them).
   The session timeout (6 s) is most of the wait. Then the survivors stop on SIGTERM and the
   databases are reconciled (b and c together).

The 2 cores of the project's machine are shared with other agents: CPU-seconds are the figures
to compare; the load average is printed at the start and the end of each phase.

usage: bench/kafka_group_bench.py [--events N] [--sources K] [--poll S] [--build DIR] [--keep]
Needs: a release build of tote and log_to_kafka (./scripts/build.sh release tote log_to_kafka),
Java 17 and the Kafka jars (scripts/stack.sh fetches them), clickhouse-server 18.16. Never a
test; not run by CI.
"""
import argparse
import json
import os
import signal
import string
import subprocess
import sys
import threading
import time

from bench_stack import ROOT, StackBench, cpu_s, load, log, machine, status_mb, wait4

CHUNK = 400_000  # records per log_to_kafka call (it holds its records in memory)
DEADLINE = 3600  # seconds any one phase may take


class Member:
    """A `tote ingest --kafka-group` process; a thread collects its stdout lines with the
    monotonic time each arrived."""

    def __init__(self, name, args, work, env):
        self.name = name
        self.lines = []  # (time, text)
        self.err_path = os.path.join(work, f"{name}.stderr")
        self.cmd = args
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True,
                                         env=env)
        self.pid = self.proc.pid
        self.rusage = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def find(self, text, start=0):
        for i in range(start, len(self.lines)):
            if text in self.lines[i][1]:
                return i, self.lines[i][0], self.lines[i][1]
        return None

    def wait_line(self, text, start=0, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            hit = self.find(text, start)
            if hit:
                return hit
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader thread take the last lines
                hit = self.find(text, start)
                if hit:
                    return hit
                break
            time.sleep(0.02)  # polling interval, not synchronisation
        raise SystemExit(f"FAILED: {self.name}: no line with {text!r} within {timeout} s; "
                         f"stdout: {[l for _, l in self.lines[-20:]]}\n"
                         f"stderr: {open(self.err_path).read()[-3000:]}")

    def held(self):
        """Topics whose last assignment event here is an assignment."""
        state = {}
        for _, l in self.lines:
            if l.startswith("group: ") and "/0 " in l:
                topic, rest = l[len("group: "):].split("/0 ", 1)
                if rest.startswith("assigned"):
                    state[topic] = True
                elif rest.startswith("revoked"):
                    state[topic] = False
        return sorted(t for t, on in state.items() if on)

    def alive(self):
        return self.proc.poll() is None

    def wait4(self):
        """Exit code, CPU seconds and peak RSS (MB) from the kernel's accounting."""
        self.rusage = wait4(self.proc)
        return self.rusage

    def stop(self, sig):
        self.proc.send_signal(sig)
        return self.wait4()


class Bench(StackBench):
    def __init__(self, args):
        super().__init__(args, "tote-gbench-",
                         {"tote": "src/cli/tote", "l2k": "tests/integration/kafka/log_to_kafka"},
                         "./scripts/build.sh release tote log_to_kafka")
        self.url = f"http://127.0.0.1:{self.ch_port}"
        self.viewer = os.path.join(self.work, "viewer")
        self.members = []

    def run(self, args, timeout=DEADLINE):
        return super().run(args, timeout=timeout)

    def query(self, sql):
        """(exit code, stdout) of `tote query` against the server."""
        p = subprocess.run([self.tote, "--data-dir", self.viewer, "--clickhouse-url", self.url,
                            "query", sql, "--format", "TabSeparated"],
                           capture_output=True, text=True, env=self.env, timeout=120)
        return p.returncode, p.stdout

    # ------------------------------------------------------------------ set-up
    def up(self):
        dt = self.stack_up()
        log(f"stack up in {dt:.1f} s: Kafka {self.brokers}, ClickHouse {self.url}, data in "
            f"{self.stack_dir}")
        rc, out = self.query("SELECT version()")
        log(f"ClickHouse version {out.strip()} (tote query exit {rc})")

    def sources_fill(self):
        self.sources = []
        b0 = cpu_s(self.kafka_pid)
        for i in range(self.args.sources):
            name = string.ascii_lowercase[i]
            data = os.path.join(self.work, f"src_{name}")
            seed = 41 + i
            _, dt = self.run([self.tote, "--data-dir", data, "simulate", "--max-events",
                              str(self.args.events), "--seed", str(seed)])
            with open(os.path.join(data, "ground_truth.json")) as f:
                n = json.load(f)["log_offset"]
            log(f"source {name}: simulated {self.args.events:,} change events = {n:,} records "
                f"(seed {seed}) in {dt:.1f} s")
            topic = f"gbench.{name}"
            t0 = time.monotonic()
            for start in range(0, n, CHUNK):
                p, _ = self.run([self.l2k, "produce", os.path.join(data, "log"), self.brokers,
                                 topic, str(start), str(min(start + CHUNK, n))])
            log(f"source {name}: {n:,} records copied to {topic}/0 in "
                f"{time.monotonic() - t0:.1f} s (last: {p.stdout.strip()})")
            self.sources.append({"name": name, "data": data, "n": n, "topic": topic,
                                 "seed": seed})
        self.fill_broker_cpu = cpu_s(self.kafka_pid) - b0
        self.change_events = self.args.events * len(self.sources)

    # ------------------------------------------------------------------ a group
    def member(self, tag, i, group, prefix, ckpt):
        data = os.path.join(self.work, f"{tag}_p{i}")
        args = [self.tote, "--data-dir", data, "--clickhouse-url", self.url, "ingest",
                "--kafka-brokers", self.brokers, "--kafka-group", group]
        for s in self.sources:
            args += ["--kafka-topic", f"{s['topic']}={prefix}_{s['name']}"]
        args += ["--kafka-property", "session.timeout.ms=6000", "--checkpoint-dir", ckpt,
                 "--checkpoint-every", "200000", "--api-port", "0"]
        m = Member(f"{tag}_p{i}", args, self.work, self.env)
        self.members.append(m)
        return m

    def positions(self, prefix, names):
        """{source name: next_offset} of the databases that answer (one `tote query`)."""
        union = " UNION ALL ".join(
            f"SELECT '{n}' AS s, next_offset FROM {prefix}_{n}._offsets FINAL WHERE consumer = "
            f"'kafka:gbench.{n}:0'" for n in names)
        rc, out = self.query(union)
        if rc != 0:
            return {}
        got = {}
        for line in out.splitlines():
            s, v = line.split("\t")
            got[s] = max(got.get(s, 0), int(v))
        return got

    def measure(self, tag, processes, prefix):
        """Starts `processes` members of a fresh group on fresh databases `prefix`_<source> and
        waits until every topic is at its end; returns the running members and the figures."""
        group = f"gbench-{tag}-{os.getpid()}"
        ckpt = os.path.join(self.work, f"checkpoints_{tag}")
        la0 = load()
        c0, b0 = cpu_s(self.ch_pid), cpu_s(self.kafka_pid)
        t0 = time.monotonic()
        members = [self.member(tag, i + 1, group, prefix, ckpt) for i in range(processes)]
        log(f"{tag}: started {processes} process(es) of group {group}; load average {la0}; "
            f"first command:\n  {' '.join(members[0].cmd)}")
        ends = {s["name"]: s["n"] for s in self.sources}
        done_at = {}
        deadline = t0 + DEADLINE
        while len(done_at) < len(ends):
            if time.monotonic() > deadline:
                raise SystemExit(f"FAILED: {tag}: not at the end within {DEADLINE} s")
            for m in members:
                if not m.alive():
                    raise SystemExit(f"FAILED: {m.name} exited {m.proc.returncode}: "
                                     f"{open(m.err_path).read()[-3000:]}")
            pending = [n for n in ends if n not in done_at]
            got = self.positions(prefix, pending)
            now = time.monotonic()
            for n in pending:
                if got.get(n, 0) == ends[n]:
                    done_at[n] = now - t0
                elif got.get(n, 0) > ends[n]:
                    raise SystemExit(f"FAILED: {prefix}_{n} at {got[n]}, beyond the end {ends[n]}")
            if len(done_at) < len(ends):
                time.sleep(self.args.poll)  # polling interval, not synchronisation
        wall = time.monotonic() - t0
        tote_cpu = {m.name: cpu_s(m.pid) for m in members}
        rss = {m.name: status_mb(m.pid, "VmHWM") for m in members}
        ch_cpu, broker_cpu = cpu_s(self.ch_pid) - c0, cpu_s(self.kafka_pid) - b0
        la1 = load()
        held = self.settled(members)
        lines = {m.name: [f"+{t - t0:.1f} s {l}" for t, l in m.lines
                          if l.startswith("group: ") and "/0 " in l] for m in members}
        # When the group last moved a partition (the last "resuming" line).
        settle = max((t - t0 for m in members for t, l in m.lines if "resuming at offset" in l),
                     default=0.0)
        r = dict(tag=tag, processes=processes, wall=wall, done_at=done_at, tote_cpu=tote_cpu,
                 ch_cpu=ch_cpu, broker_cpu=broker_cpu, rss=rss, load_start=la0, load_end=la1,
                 held=held, cmd=" ".join(members[0].cmd), settle=settle, lines=lines)
        m_ev = self.change_events / 1e6
        total_tote = sum(tote_cpu.values())
        log(f"{tag}: every topic at its end after {wall:.1f} s "
            f"({', '.join(f'{n} at {t:.1f} s' for n, t in sorted(done_at.items()))}); "
            f"{self.change_events:,} change events = {self.change_events / wall:,.0f}/s; CPU "
            f"{total_tote:.1f} s tote ({', '.join(f'{k} {v:.1f}' for k, v in tote_cpu.items())}) "
            f"+ {ch_cpu:.1f} s ClickHouse = {(total_tote + ch_cpu) / m_ev:.2f} CPU-s per million "
            f"(broker {broker_cpu / m_ev:.2f}); {(total_tote + ch_cpu) / wall:.2f} cores busy; "
            f"peak RSS {', '.join(f'{k} {v:.0f} MB' for k, v in rss.items())}; "
            f"load average {la0} -> {la1}; the last partition moved at +{settle:.1f} s")
        for name in held:
            log(f"{tag}: {name} holds {held[name]}; its lines: {lines[name]}")
        return members, r

    def settled(self, members, timeout=60):
        """Partitions held per process once each of K processes holds one (bounded wait: a
        cooperative rebalance may still be under way when the topics are at their end)."""
        end = time.monotonic() + timeout
        while True:
            held = {m.name: m.held() for m in members}
            if len(members) == 1 or all(len(h) == 1 for h in held.values()):
                return held
            if time.monotonic() > end:
                return held
            time.sleep(0.1)  # polling interval, not synchronisation

    def check_held(self, r, members):
        topics = sorted(s["topic"] for s in self.sources)
        if len(members) == 1:
            ok = r["held"][members[0].name] == topics
        else:
            ok = (sorted(t for h in r["held"].values() for t in h) == topics
                  and all(len(h) == 1 for h in r["held"].values()))
        if not ok:
            raise SystemExit(f"FAILED: {r['tag']}: partitions held {r['held']}")
        log(f"ok   {r['tag']}: partitions held as expected: {r['held']}")

    def stop_all(self, r, members):
        for m in members:
            if m.alive():
                m.proc.send_signal(signal.SIGTERM)
        for m in members:
            if m.rusage is not None:
                continue
            rc, cpu, rss = m.wait4()
            left = m.find("group: left")
            log(f"{m.name}: SIGTERM -> exit {rc}, {'left the group' if left else 'NO group: left'};"
                f" CPU over its life {cpu:.1f} s, ru_maxrss {rss:.0f} MB")
            if rc != 0 or not left:
                raise SystemExit(f"FAILED: {m.name} exit {rc} on SIGTERM: "
                                 f"{open(m.err_path).read()[-3000:]}")
        r.setdefault("life", {}).update({m.name: m.rusage for m in members})

    def reconcile(self, r, prefix):
        out = {}
        for s in self.sources:
            db = f"{prefix}_{s['name']}"
            p = subprocess.run([self.tote, "--data-dir", s["data"], "--clickhouse-url", self.url,
                                "--database", db, "reconcile", "--consumer",
                                f"kafka:{s['topic']}:0"],
                               capture_output=True, text=True, env=self.env, timeout=DEADLINE)
            text = (p.stdout + p.stderr).strip()
            exact = p.returncode == 0 and "RECONCILED: exact" in p.stdout
            verdict = next((l for l in p.stdout.splitlines() if "RECONCILED" in l),
                           f"exit {p.returncode}")
            log(f"tote reconcile {db} against source {s['name']}: exit {p.returncode}: "
                f"{verdict}\n{text[-700:]}")
            out[db] = verdict.strip()
            if not exact:
                raise SystemExit(f"FAILED: {db} does not reconcile exactly")
        r["reconcile"] = out

    def settle(self, prefix):
        for s in self.sources:
            self.query(f"DROP DATABASE IF EXISTS {prefix}_{s['name']}")
        end = time.monotonic() + 120
        while time.monotonic() < end:
            rc, out = self.query("SELECT count() FROM system.merges")
            if rc != 0 or out.strip() == "0":
                break
            time.sleep(0.5)

    # ------------------------------------------------------------------ c) rebalance
    def rebalance(self, members):
        victim = members[0]
        topic = victim.held()[0]
        others = [m for m in members if m is not victim]
        marks = {m.name: len(m.lines) for m in others}
        la0 = load()
        cpu0 = {m.name: cpu_s(m.pid) for m in others}
        c0 = cpu_s(self.ch_pid)
        t_kill = time.monotonic()
        victim.stop(signal.SIGKILL)
        log(f"c: SIGKILLed {victim.name} holding {topic}/0; load average {la0}")
        owner, hit = None, None
        end = time.monotonic() + 300
        while time.monotonic() < end and owner is None:
            for m in others:
                hit = m.find(f"group: {topic}/0 assigned", marks[m.name])
                if hit:
                    owner = m
                    break
            else:
                time.sleep(0.02)  # polling interval, not synchronisation
        if owner is None:
            raise SystemExit(f"FAILED: c: nobody was given {topic}/0 within 300 s")
        _, t_assigned, _ = hit
        _, t_resumed, resumed = owner.wait_line(f"group: {topic}/0 resuming at offset",
                                                marks[owner.name], timeout=600)
        restored = owner.find(f"group: {topic}/0 restored checkpoint at offset", marks[owner.name])
        cpu = cpu_s(owner.pid) - cpu0[owner.name]
        ch_cpu = cpu_s(self.ch_pid) - c0
        rebuilt = resumed.split("rebuilt from ")[1].rstrip(")")
        seconds = float(rebuilt.split(" in ")[1].split(" s")[0])
        r = dict(victim=victim.name, topic=topic, owner=owner.name,
                 to_assigned=t_assigned - t_kill, to_resumed=t_resumed - t_kill,
                 assigned_to_resumed=t_resumed - t_assigned, replay_seconds=seconds,
                 restored=restored[2] if restored else None, resumed=resumed,
                 owner_cpu=cpu, ch_cpu=ch_cpu, load_start=la0, load_end=load())
        log(f"c: {owner.name} was given {topic}/0 {r['to_assigned']:.2f} s after the kill and "
            f"resumed {r['to_resumed']:.2f} s after it ({r['assigned_to_resumed']:.2f} s from "
            f"the assignment; fact state rebuilt in {seconds:.1f} s as printed); "
            f"{owner.name}'s CPU from the kill to resuming {cpu:.1f} s, ClickHouse {ch_cpu:.1f} s;"
            f"\n  {r['restored'] or 'no checkpoint restored'}\n  {resumed}")
        if not restored:
            raise SystemExit("FAILED: c: the new owner restored no checkpoint")
        # Still exact: the new owner's position is the topic's end.
        n = next(s["n"] for s in self.sources if s["topic"] == topic)
        at = int(resumed.split("resuming at offset ")[1].split(" ")[0].replace(",", ""))
        if at != n:
            raise SystemExit(f"FAILED: c: resumed at {at}, the topic ends at {n}")
        return r

    # ------------------------------------------------------------------ report
    def table(self):
        m_ev = self.change_events / 1e6
        mem = int(open("/proc/meminfo").read().split()[1]) // 1024 // 1024
        lines = [
            f"command: {' '.join(sys.argv)}",
            f"machine: {machine()}, {mem} GB",
            f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1/5/15 "
            f"min) at the start {self.load_start}, at the end {load()} (the cores are shared)",
            f"sources: {len(self.sources)} x {self.args.events:,} change events ("
            + ", ".join(f"{s['topic']}: {s['n']:,} records, seed {s['seed']}" for s in self.sources)
            + f"); broker CPU for the fill {self.fill_broker_cpu:.1f} s; _offsets polled every "
            f"{self.args.poll} s",
            "",
            "| setup | change events/s (total) | wall s | CPU-s per million (tote + ClickHouse) | "
            "broker CPU-s per million | cores busy | peak RSS per tote process (MB) | "
            "load average start → end | reconcile |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        labels = {"a": f"a) 1 process, {len(self.sources)} partitions",
                  "b": f"b) {len(self.sources)} processes, 1 partition each"}
        for key, label in labels.items():
            r = self.results.get(key)
            if not r:
                continue
            tote = sum(r["tote_cpu"].values())
            rec = ", ".join(sorted(set(r.get("reconcile", {}).values()))) or "–"
            lines.append(
                f"| {label} | {self.change_events / r['wall']:,.0f} | {r['wall']:.1f} | "
                f"{(tote + r['ch_cpu']) / m_ev:.2f} ({tote / m_ev:.2f} + {r['ch_cpu'] / m_ev:.2f}) "
                f"| {r['broker_cpu'] / m_ev:.2f} | {(tote + r['ch_cpu']) / r['wall']:.2f} | "
                f"{' / '.join(f'{v:.0f}' for v in r['rss'].values())} | "
                f"{r['load_start'].rsplit(' ', 2)[0]} → {r['load_end'].rsplit(' ', 2)[0]} | {rec} |")
        c = self.results.get("c")
        if c:
            lines += [
                "",
                f"c) rebalance: {c['victim']} (holding {c['topic']}/0) SIGKILLed with "
                f"session.timeout.ms=6000; {c['owner']} was given the partition after "
                f"{c['to_assigned']:.2f} s and resumed (checkpoint restored, the records after it "
                f"replayed) after {c['to_resumed']:.2f} s ({c['assigned_to_resumed']:.2f} s "
                f"from the assignment; fact state rebuilt in {c['replay_seconds']:.1f} s as "
                f"printed); its CPU over that {c['owner_cpu']:.1f} s; load average "
                f"{c['load_start']} → {c['load_end']}",
                f"  {c['restored']}",
                f"  {c['resumed']}",
            ]
        for key in ("a", "b"):
            r = self.results.get(key)
            if r:
                lines.append(f"{key}) per topic at its end: " + ", ".join(
                    f"{n} {t:.1f} s" for n, t in sorted(r["done_at"].items()))
                    + "; tote CPU per process: " + ", ".join(
                    f"{k} {v:.1f} s" for k, v in r["tote_cpu"].items())
                    + f"; ClickHouse {r['ch_cpu']:.1f} s; reconcile: "
                    + ", ".join(f"{db} {v}" for db, v in r.get("reconcile", {}).items()))
                for name, ls in r["lines"].items():
                    lines.append(f"{key}) {name}: " + "; ".join(ls))
        self.write_results(lines)

    def steps(self):
        self.up()
        self.sources_fill()
        k = len(self.sources)
        members, r = self.measure("a", 1, "g1")
        self.check_held(r, members)
        self.results["a"] = r
        self.stop_all(r, members)
        self.reconcile(r, "g1")
        self.settle("g1")
        members, r = self.measure("b", k, "gk")
        self.check_held(r, members)
        self.results["b"] = r
        if k > 1:
            self.results["c"] = self.rebalance(members)
        self.stop_all(r, members)
        self.reconcile(r, "gk")
        self.table()

    def stop_processes(self):
        for m in self.members:
            if m.alive():
                m.proc.kill()
                m.proc.wait()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000,
                    help="change events to simulate per source database")
    ap.add_argument("--sources", type=int, default=2, help="source databases (topics), K")
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between _offsets polls")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--keep", action="store_true", help="leave the stack and the data")
    Bench(ap.parse_args()).main()
