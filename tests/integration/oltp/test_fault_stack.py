#!/usr/bin/env python3
"""The deployed path through the faults production meets (issue 14, item 8), on the project's
stack (scripts/stack.sh on free ports: PostgreSQL 15, Kafka 4.4 + Connect + Debezium, ClickHouse
18.16 server):

  two source databases (tote and tote2), each driven by `tote simulate --oltp` at a fixed rate
  with its own Debezium connector and ordered topic (tote.all, tote2.all); two `tote ingest
  --kafka-group` processes share the topics, each into its own warehouse database (fa, fb).
  While the simulators run:
    1. Kafka Connect is SIGKILLed and started again: Debezium re-sends from the slots' confirmed
       positions (duplicates, and old truncates, arrive again);
    2. the process holding tote.all is SIGKILLed (kill 1): the other one takes it over;
    3. the ClickHouse server is restarted: the workers retry;
    4. a third process joins and is SIGKILLed as the rebalance hands it a partition (kill 2,
       during a rebalance); the partition goes back;
    5. the broker is restarted;
    6. a process holding a partition is SIGKILLed (kill 3).
  Then PostgreSQL is restarted and both simulators go on (`--continue`) to twice the events.
  At the end `tote reconcile --oltp` finds zero differences for both databases, `tote reconcile`
  against each simulator's ground truth is exact, and no landed key is there twice.

No sleeps as synchronisation: bounded polling of the processes' output and of `_offsets`.
Exit 77 (skipped) when Java, Maven, PostgreSQL 15 or clickhouse-server are missing, except under
CI=true.

usage: test_fault_stack.py TOTE_BINARY SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from postgres_cluster import PSQL, installed  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stack_env import (Member, check, committed_offset, missing_tools_exit,  # noqa: E402
                       poll_until, run, stack_env, verdict)

TOTE = sys.argv[1]
ROOT = sys.argv[2]
STACK = os.path.join(ROOT, "scripts", "stack.sh")
EVENTS = int(os.environ.get("TOTE_FAULT_EVENTS", "12000"))  # per database and phase
RATE = os.environ.get("TOTE_FAULT_RATE", "150")  # change events per second per simulator
FLAGS = ["--players", "400", "--events", "40", "--anomaly-rate", "0.05", "--bets-per-second",
         "0.05", "--no-sync-commit", "--rate", RATE]
DEADLINE = 240
GROUP = "tote-fault"


def main():
    code = missing_tools_exit(("java", "mvn", "curl", "clickhouse-server"),
                              () if installed() else ("postgresql-15",))
    if code is not None:
        return code
    t_start = time.monotonic()
    work = tempfile.mkdtemp(prefix="tote-fault-", dir=os.environ.get("TOTE_TEST_TMP"))
    os.chmod(work, 0o755)  # PostgreSQL runs as the postgres user under root
    ports, env = stack_env(work)
    pg = f"postgresql://postgres@127.0.0.1:{ports['TOTE_PG_PORT']}"
    connect = f"http://127.0.0.1:{ports['TOTE_CONNECT_PORT']}"
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    url = f"http://127.0.0.1:{ports['TOTE_CLICKHOUSE_PORT']}"
    checkpoints = os.path.join(work, "checkpoints")
    sources = {
        "a": {"db": "tote", "connector": "tote", "prefix": "tote", "topic": "tote.all",
              "warehouse": "fa", "seed": "51"},
        "b": {"db": "tote2", "connector": "tote2", "prefix": "tote2", "topic": "tote2.all",
              "warehouse": "fb", "seed": "52"},
    }
    for name, s in sources.items():
        s["data"] = os.path.join(work, f"src-{name}")
    members, sims = [], []
    try:
        run([STACK, "up", "postgres", "kafka", "connect", "clickhouse"], env, 900)
        run([PSQL, "-X", "-q", "-h", "127.0.0.1", "-p", str(ports["TOTE_PG_PORT"]), "-U", "postgres",
             "-d", "tote", "-c", "CREATE DATABASE tote2"])

        def simulate(s, total, first):
            args = [TOTE, "--data-dir", s["data"], "simulate", "--oltp", f"{pg}/{s['db']}",
                    "--connect-url", connect, "--connector-name", s["connector"], "--topic-prefix",
                    s["prefix"], "--seed", s["seed"], "--max-events", str(total), *FLAGS]
            args += ["--create-schema"] if first else ["--continue"]
            log = open(os.path.join(work, f"sim-{s['db']}-{total}.out"), "w")
            p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
            sims.append((p, log.name))
            return p

        def wait_sims(phase):
            for p, path in sims:
                rc = p.wait(timeout=900)
                if rc != 0:
                    print(open(path).read()[-3000:])
                check(rc == 0, f"phase {phase}: {os.path.basename(path)} ended with exit {rc}")
            sims.clear()

        viewer_dir = os.path.join(work, "viewer")
        viewer = ["--data-dir", viewer_dir, "--clickhouse-url", url]

        def positions():
            return {k: committed_offset(TOTE, viewer_dir, url, s["warehouse"], s["topic"])
                    for k, s in sources.items()}

        def wait_moving(why):
            """Both databases' positions advance past where they are now."""
            start = positions()
            ok, now = poll_until(positions, lambda now: all(now[k] > start[k] for k in sources),
                                 members, DEADLINE, 0.5)
            if not ok:
                raise SystemExit(f"FAILED: {why}: the positions stay at {start}")
            check(True, f"{why}: both databases advance ({start} -> {now})")

        def member(name):
            args = [TOTE, "--data-dir", os.path.join(work, name), "--clickhouse-url", url, "ingest",
                    "--kafka-brokers", brokers, "--kafka-group", GROUP,
                    *[x for s in sources.values() for x in ("--kafka-topic", f"{s['topic']}={s['warehouse']}")],
                    "--kafka-property", "session.timeout.ms=6000", "--checkpoint-dir", checkpoints,
                    "--checkpoint-every", "3000", "--batch", "2000"]
            m = Member(name, args, work, DEADLINE)
            members.append(m)
            return m

        def holder(topic):
            alive = [m for m in members if m.proc.poll() is None and m.held(topic)]
            return alive[0] if alive else None

        # Phase 1: the simulators drive both databases while the faults happen.
        for s in sources.values():
            simulate(s, EVENTS, first=True)
        p1, p2 = member("p1"), member("p2")
        for s in sources.values():
            end = time.monotonic() + DEADLINE
            while holder(s["topic"]) is None and time.monotonic() < end:
                time.sleep(0.2)  # polling interval, not synchronisation
            check(holder(s["topic"]) is not None, f"{s['topic']} is held by a process of the group")
        wait_moving("start")

        # 1. Kafka Connect crashes and comes back: Debezium re-sends from the slots' positions.
        run([STACK, "kill", "connect"], env, 120)
        run([STACK, "up", "connect"], env, 600)
        wait_moving("after Kafka Connect's SIGKILL and restart")

        # 2. Kill 1: the process holding tote.all.
        victim = holder("tote.all")
        mark = {m.name: len(m.lines) for m in members}
        victim.kill()
        survivor = p2 if victim is p1 else p1
        survivor.wait_line("group: tote.all/0 resuming at offset", mark[survivor.name])
        check(True, f"kill 1: {victim.name} SIGKILLed; {survivor.name} took tote.all over")
        wait_moving("after kill 1")

        # 3. The ClickHouse server restarts under the running workers.
        run([STACK, "down", "clickhouse"], env, 120)
        run([STACK, "up", "clickhouse"], env, 300)
        wait_moving("after the ClickHouse server's restart")

        # 4. Kill 2, during a rebalance: a new process is SIGKILLed as it is given a partition.
        p3 = member("p3")
        mark = {m.name: len(m.lines) for m in members}
        _, line = p3.wait_line("assigned to this process")
        p3.kill()
        check(True, f"kill 2: p3 SIGKILLed during the rebalance that gave it a partition ({line})")
        moved = line.split()[1].split("/")[0]
        survivor.wait_line(f"group: {moved}/0 resuming at offset", mark[survivor.name])
        check(survivor.held("tote.all") and survivor.held("tote2.all"),
              f"{survivor.name} holds both partitions again after kill 2")
        wait_moving("after kill 2")

        # 5. The broker restarts.
        run([STACK, "down", "kafka"], env, 120)
        run([STACK, "up", "kafka"], env, 300)
        wait_moving("after the broker's restart")

        # 6. Kill 3: a fresh process joins, then the survivor is SIGKILLed.
        p4 = member("p4")
        p4.wait_line("assigned to this process")
        mark4 = len(p4.lines)
        survivor.kill()
        for s in sources.values():
            if not p4.held(s["topic"]):
                p4.wait_line(f"group: {s['topic']}/0 resuming at offset", mark4)
        check(p4.held("tote.all") and p4.held("tote2.all"),
              f"kill 3: {survivor.name} SIGKILLed; p4 holds both partitions")
        wait_sims(1)

        # PostgreSQL restarts between the simulators' runs; they go on in the same databases.
        run([STACK, "down", "postgres"], env, 120)
        run([STACK, "up", "postgres"], env, 300)
        for s in sources.values():
            simulate(s, 2 * EVENTS, first=False)
        p5 = member("p5")  # two processes again
        wait_sims(2)

        # The end: zero differences against the databases, exact against the ground truths.
        for name, s in sources.items():
            common = ["--data-dir", s["data"], "--clickhouse-url", url, "--database", s["warehouse"]]
            oltp = [TOTE, *common, "reconcile", "--consumer", f"kafka:{s['topic']}:0", "--oltp",
                    f"{pg}/{s['db']}"]
            end = time.monotonic() + DEADLINE
            r = None
            while time.monotonic() < end:
                r = run(oltp, expect_rc=None)
                if r.returncode == 0 and "RECONCILED: exact" in r.stdout:
                    break
                time.sleep(1)  # polling interval while Debezium and the group catch up
            print(r.stdout[-2500:])
            check(r.returncode == 0 and "RECONCILED: exact" in r.stdout,
                  f"{s['db']}: tote reconcile --oltp finds zero differences")
            g = run([TOTE, *common, "reconcile", "--consumer", f"kafka:{s['topic']}:0"], expect_rc=None)
            print(g.stdout[-1500:])
            check(g.returncode == 0 and "RECONCILED: exact" in g.stdout,
                  f"{s['db']}: tote reconcile against the simulator's ground truth is exact")
            for table in ("bets", "bet_legs", "wallet_transactions", "players"):
                q = run([TOTE, *viewer, "query",
                         f"SELECT count(), uniqExact(_key) FROM {s['warehouse']}.land_{table} FINAL",
                         "--format", "TabSeparated"], expect_rc=None)
                rows, keys = (q.stdout.split() + ["?", "?"])[:2]
                check(q.returncode == 0 and rows == keys and rows != "0",
                      f"{s['warehouse']}.land_{table}: {rows} rows for {keys} keys (no duplicate)")
        print("processes: " + ", ".join(f"{m.name} exit {m.proc.poll()}" for m in members))
        del p5
    finally:
        for m in members:
            if m.proc.poll() is None:
                m.kill()
        for p, _ in sims:
            if p.poll() is None:
                p.kill()
        subprocess.run([STACK, "down"], env=env, capture_output=True, timeout=300)
        subprocess.run(["rm", "-rf", work])
    return verdict("fault_stack", t_start)


if __name__ == "__main__":
    sys.exit(main())
