#!/usr/bin/env python3
"""`tote ingest --kafka-group`: processes of one consumer group share the ordered topics (one per
source database) on the real broker (Kafka 4.4 KRaft) and ClickHouse 18.16 server started by
scripts/stack.sh on free ports, and stay exact through rebalances.

1. Two simulated source databases A and B (two logs, their own ground truths) go to topics
   tote_g.a and tote_g.b, each in four parts cut between transactions.
2. Process P1 joins the group with both topics (A into warehouse database ga, B into gb) before
   they exist (it says it waits for them); once part 1 is produced it is given both partitions
   and lands part 1 of each.
3. P2 joins: cooperative rebalancing moves exactly one partition from P1 to P2 (P1 revokes it,
   P2 is given it and resumes at P1's committed offset). Part 2 is produced and each process
   lands its own partition.
4. P2 is SIGKILLed while part 3 is produced: after its session times out the group gives its
   partition back to P1, which restores the newest checkpoint from the shared checkpoint folder
   (not the partition's start) and lands the rest.
5. P3 joins and P1 is SIGKILLed at the moment the rebalance gives P3 its first partition, while
   part 4 is produced: P3 ends up holding both and lands part 4.
6. P3 stops on SIGTERM, leaving the group; `tote reconcile` of ga against A's ground truth and
   of gb against B's is exact (ledger, live rows, facts, KPIs, anomalies).

No sleeps as synchronisation: bounded polling of the processes' output and of `_offsets`. Exit
77 (skipped) without Java, Maven or clickhouse-server, except under CI=true.

usage: test_kafka_group.py TOTE LOG_TO_KAFKA SOURCE_DIR
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from stack_env import (Member, check, committed_offset, missing_tools_exit,  # noqa: E402
                       poll_until, run, stack_env, verdict)
from tote_harness import Tote, cleanup, temp_data_dir  # noqa: E402

TOTE, LOG_TO_KAFKA, ROOT = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
STACK = os.path.join(ROOT, "scripts", "stack.sh")
EVENTS = int(os.environ.get("TOTE_KAFKA_GROUP_EVENTS", "30000"))
DEADLINE = 120  # seconds any one wait may take
GROUP = "tote-it-group"


def main():
    code = missing_tools_exit(("java", "mvn", "clickhouse-server"))
    if code is not None:
        return code
    t_start = time.monotonic()
    work = tempfile.mkdtemp(prefix="tote-kafka-group-", dir=os.environ.get("TOTE_TEST_TMP"))
    os.chmod(work, 0o755)
    ports, env = stack_env(work)
    brokers = f"127.0.0.1:{ports['TOTE_KAFKA_PORT']}"
    url = f"http://127.0.0.1:{ports['TOTE_CLICKHOUSE_PORT']}"
    checkpoints = os.path.join(work, "checkpoints")
    members = []
    try:
        run([STACK, "up", "kafka", "clickhouse"], env, 600)

        # 1. Two source databases, two topics, each in three parts cut between transactions.
        sources = {}
        for name, seed in (("a", 31), ("b", 32)):
            data = temp_data_dir(f"group-src-{name}")
            tote = Tote(TOTE, data)
            tote.run("simulate", "--max-events", str(EVENTS), "--seed", str(seed))
            n = tote.ground_truth()["log_offset"]
            log = os.path.join(data, "log")

            def boundary(offset, log=log):
                return int(run([LOG_TO_KAFKA, "boundary", log, str(offset)]).stdout.strip())
            bounds = [0, boundary(n // 4), boundary(n // 2), boundary(n * 3 // 4), n]
            check(0 < bounds[1] < bounds[2] < bounds[3] < n, f"source {name}: {n} records, parts end between "
                  f"transactions at {bounds}")
            sources[name] = {"tote": tote, "data": data, "log": log, "n": n, "bounds": bounds,
                             "topic": f"tote_g.{name}", "db": f"g{name}"}

        def produce(part):
            for s in sources.values():
                run([LOG_TO_KAFKA, "produce", s["log"], brokers, s["topic"], str(s["bounds"][part - 1]),
                     str(s["bounds"][part])])

        viewer = os.path.join(work, "viewer")

        def wait_committed(part, why):
            ok, got = poll_until(
                lambda: {k: committed_offset(TOTE, viewer, url, s["db"], s["topic"])
                         for k, s in sources.items()},
                lambda got: all(got[k] == s["bounds"][part] for k, s in sources.items()),
                members, DEADLINE, 0.2)
            if not ok:
                raise SystemExit(f"FAILED: {why}: committed {got}, expected the end of part {part}")
            check(True, f"{why}: both partitions committed to the end of part {part} "
                  f"({', '.join(f'{k}={v:,}' for k, v in got.items())})")

        def member(name):
            data = os.path.join(work, name)
            args = [TOTE, "--data-dir", data, "--clickhouse-url", url, "ingest", "--kafka-brokers",
                    brokers, "--kafka-group", GROUP,
                    "--kafka-topic", f"{sources['a']['topic']}=ga",
                    "--kafka-topic", f"{sources['b']['topic']}=gb",
                    "--kafka-property", "session.timeout.ms=6000",
                    "--checkpoint-dir", checkpoints, "--checkpoint-every", "2000", "--batch", "1000",
                    "--api-port", "0"]
            m = Member(name, args, work, DEADLINE)
            members.append(m)
            return m

        # 2. P1 alone, started before the topics exist (as before Debezium's first change): it
        # says so and takes both partitions once they are created.
        p1 = member("p1")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and "does not exist on" not in open(p1.err_path).read():
            time.sleep(0.05)  # polling interval, not synchronisation
        err = open(p1.err_path).read()
        check("Kafka topic 'tote_g.a' does not exist on" in err and "reads it once it is created" in err,
              "a group started before its topics exist waits for them, saying so")
        produce(1)
        p1.wait_line("group: tote_g.a/0 resuming at offset 0")
        p1.wait_line("group: tote_g.b/0 resuming at offset 0")
        wait_committed(1, "P1 alone")

        # 3. P2 joins: one partition moves.
        mark = len(p1.lines)
        p2 = member("p2")
        _, line = p2.wait_line("assigned to this process")
        moved = line.split()[1].split("/")[0]
        stays = next(s["topic"] for s in sources.values() if s["topic"] != moved)
        _, revoked = p1.wait_line(f"group: {moved}/0 revoked", mark)
        check(p1.held(stays) and not p1.held(moved) and p2.held(moved) and not p2.held(stays),
              f"P2's join moved {moved} from P1 to P2 and left {stays} with P1 ({revoked})")
        moved_src = next(s for s in sources.values() if s["topic"] == moved)
        _, line = p2.wait_line(f"group: {moved}/0 resuming at offset")
        check(f"resuming at offset {moved_src['bounds'][1]:,} " in line,
              f"P2 resumes {moved} at P1's committed offset ({line})")
        produce(2)
        wait_committed(2, "P1 and P2 each on its own partition")

        # 4. P2 killed while part 3 arrives: P1 gets its partition back, from the checkpoint.
        mark = len(p1.lines)
        p2.kill()
        produce(3)
        _, line = p1.wait_line(f"group: {moved}/0 assigned", mark, timeout=DEADLINE)
        i, restored = p1.wait_line(f"group: {moved}/0 restored checkpoint at offset", mark)
        at = int(restored.split("offset ")[1].split(" ")[0].replace(",", ""))
        check(0 < at <= moved_src["bounds"][2],
              f"P1 took {moved} back after P2's kill and restored its checkpoint ({restored})")
        wait_committed(3, "after P2's kill")

        # 5. P3 joins and P1 is killed as the rebalance gives P3 its first partition.
        p3 = member("p3")
        p3.wait_line("assigned to this process")
        p1.kill()
        produce(4)
        for s in sources.values():
            p3.wait_line(f"group: {s['topic']}/0 resuming at offset", timeout=DEADLINE)
        check(p3.held("tote_g.a") and p3.held("tote_g.b"), "P3 holds both partitions after P1's kill")
        wait_committed(4, "after P1's kill during the rebalance")

        # P3's metrics: one series per partition held, lag 0 at the end of part 4.
        p3_data = os.path.join(work, "p3")
        api_url = open(os.path.join(p3_data, "api.url")).read().strip()
        token = open(os.path.join(p3_data, "api.token")).read().strip()
        req = urllib.request.Request(api_url + "/metrics", headers={"X-ClickHouse-Key": token})
        with urllib.request.urlopen(req, timeout=10) as r:
            metrics = r.read().decode()
        for s in sources.values():
            series = f'{{consumer="kafka:{s["topic"]}:0"}}'
            check(f"tote_consumer_durable_position{series} {s['n']}\n" in metrics
                  and f"tote_consumer_lag_records{series} 0\n" in metrics,
                  f"P3's /metrics shows {s['topic']} durable at {s['n']:,} with lag 0")
        check(metrics.count("# TYPE tote_consumer_lag_records gauge") == 1,
              "each metric family is announced once for both partitions")

        # 6. P3 leaves cleanly; both databases reconcile exactly against their sources.
        p3.proc.send_signal(signal.SIGTERM)
        rc = p3.proc.wait(timeout=DEADLINE)
        p3.wait_line("group: left " + GROUP)
        check(rc == 0, f"P3 stopped on SIGTERM with exit 0 after leaving the group (exit {rc})")
        for name, s in sources.items():
            rec = s["tote"].run("--clickhouse-url", url, "--database", s["db"], "reconcile",
                                "--consumer", f"kafka:{s['topic']}:0", check=False)
            print(rec.stdout[-1500:])
            check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
                  f"database {s['db']} (source {name}, {s['n']:,} records) reconciles exactly "
                  f"against its ground truth")
    finally:
        for m in members:
            if m.proc.poll() is None:
                m.kill()
        subprocess.run([STACK, "down"], env=env, capture_output=True, timeout=300)
        for s in locals().get("sources", {}).values():
            cleanup(s["data"])
        cleanup(work)
    return verdict("kafka_group", t_start)


if __name__ == "__main__":
    sys.exit(main())
