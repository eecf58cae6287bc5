#!/usr/bin/env python3
"""`tote ingest` from Kafka on the real broker (Kafka 4.4 KRaft started by scripts/stack.sh on
free ports in a temporary folder), exact.

1. `tote simulate` writes a log of change events and its ground truth; an embedded-log ingest of
   a copy is the reference for the facts.
2. log_to_kafka copies the log into a fresh one-partition topic in the log's order (keys and
   values byte-exact, null keys of truncates and null values of tombstones included) and checks
   that every record got the Kafka offset equal to its log offset; reading the topic back through
   KafkaSource gives the log byte for byte.
3. `tote ingest --kafka-brokers B --kafka-topic T` (no --follow: it stops at the partition's high
   watermark as it was at start) -> `tote reconcile --consumer kafka:T:0` is exact, and the fact
   tables through FINAL are identical to the reference. A second run finds nothing new.
4. A second topic is filled in three parts while `tote ingest ... --follow` reads it (so the
   ingest waits for new messages); it is SIGKILLed mid-stream twice, each restart resumes at the
   committed offset; the third run rides out a restart of the broker and lands the messages
   produced after it; a last run without --follow finds the end: reconcile exact, facts identical
   to the reference.
5. A resume position below the partition's start (as after retention) stops with the gap named.

No sleeps as synchronisation: bounded polling of the ingest's local API. The stack is stopped at
the end, also on failure. Exit 77 (skipped) without Java, Maven or the Kafka jars' registry,
except under CI=true.

usage: test_kafka_ingest.py TOTE LOG_TO_KAFKA SOURCE_DIR
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, check_same_facts, cleanup, fact_snapshot, ingested_line, temp_data_dir  # noqa: E402

TOTE, LOG_TO_KAFKA, ROOT = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
STACK = os.path.join(ROOT, "scripts", "stack.sh")
EVENTS = int(os.environ.get("TOTE_KAFKA_EVENTS", "100000"))
DEADLINE = 120  # seconds any one wait may take


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(args, env=None, timeout=300):
    t0 = time.monotonic()
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(f"$ {' '.join(args)}\nexit {p.returncode}\n{p.stdout}\n{p.stderr}\n")
        raise SystemExit(f"FAILED: {os.path.basename(args[0])} {args[1]} exited {p.returncode}")
    return p, time.monotonic() - t0


def wait_line(proc, text, timeout=DEADLINE):
    """Reads proc's stdout (unbuffered, by select) until a line containing text; returns it."""
    fd = proc.stdout.fileno()
    end = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < end:
        lines = buf.split(b"\n")
        for line in lines[:-1]:
            if text.encode() in line:
                return line.decode()
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not r:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
    raise SystemExit(f"FAILED: no line with {text!r} within {timeout} s; saw: {buf.decode()[-2000:]}")


def api_status(data):
    """The running ingest's progress from its local API (None while it has none)."""
    try:
        with open(os.path.join(data, "api.url")) as f:
            url = f.read().strip()
        with open(os.path.join(data, "api.token")) as f:
            token = f.read().strip()
        req = urllib.request.Request(url + "/status", data=b"", method="POST",
                                     headers={"X-ClickHouse-Key": token})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.load(r)
    except (OSError, ValueError):
        return None


def wait_durable_past(proc, data, offset, timeout=DEADLINE):
    """Bounded polling until the running ingest's durable offset passes `offset`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"FAILED: the following ingest exited {proc.poll()}")
        s = api_status(data)
        if s and s.get("durable_offset", 0) > offset:
            return s
        time.sleep(0.02)  # polling interval, not synchronisation
    raise SystemExit(f"FAILED: durable offset never passed {offset} within {timeout} s")


def committed(tote, consumer):
    out = tote.query(f"SELECT next_offset FROM tote._offsets FINAL WHERE consumer = '{consumer}'").strip()
    return int(out) if out else 0


def compare_facts(got, reference, what):
    check_same_facts(got, reference, what, "the embedded-log ingest")


def bad_input_on_the_wire(brokers):
    """Issue 14, item 9: real captures on a topic with bad records among them (not JSON, a JSON
    array, a record above --max-record-bytes, a table nothing maps, a column added while running):
    ingest reads to the end, each bad record is a dead letter with its reason, the rest lands."""
    captures = os.path.join(ROOT, "tests", "golden", "debezium")
    lines = []
    for name in ("c_transaction.jsonl", "h_schema_evolution.jsonl"):
        with open(os.path.join(captures, name)) as fh:
            lines += [json.loads(l) for l in fh if l.strip()]
    bets = next(r for r in lines if r["topic"].endswith(".bets"))
    def record(value, topic="tote.public.bets", key=None):
        return {"topic": topic, "partition": 0, "offset": 0, "timestamp_ms": bets["timestamp_ms"],
                "timestamp_type": "create", "key": key if key is not None else bets["key"],
                "value": value, "headers": []}
    unknown = json.loads(bets["value"])
    unknown["payload"]["source"]["table"] = "odds_staging"
    unknown["payload"]["transaction"] = None
    bad = [record("this is not JSON {"), record("[1, 2, 3]"),
           record(json.dumps({"payload": {"op": "c", "huge": "x" * 2_000_000}})),
           record(json.dumps(unknown), topic="tote.public.odds_staging")]
    stream = lines[:4] + bad[:2] + lines[4:9] + bad[2:] + lines[9:]
    path = os.path.join(tempfile.mkdtemp(prefix="tote-kafka-bad-", dir=os.environ.get("TOTE_TEST_TMP")),
                        "bad.jsonl")
    with open(path, "w") as fh:
        for r in stream:
            fh.write(json.dumps(r) + "\n")
    p, _ = run([LOG_TO_KAFKA, "produce-jsonl", path, brokers, "tote_it.bad"])
    check(f"produced {len(stream)} records" in p.stdout and "0 failed" in p.stdout,
          f"{len(stream)} records, 4 of them bad, on tote_it.bad ({p.stdout.strip()})")
    k4 = Tote(TOTE, temp_data_dir("kafka-bad"))
    try:
        p = k4.run("ingest", "--kafka-brokers", brokers, "--kafka-topic", "tote_it.bad",
                   "--max-record-bytes", "1000000")
        line = ingested_line(p.stdout)
        check(line.endswith(f"warehouse at offset {len(stream):,}") and "3 dead letters" in line,
              f"ingest reads past every bad record to the end ({line})")
        reasons = k4.query("SELECT offset, reason FROM tote._dead_letters FINAL ORDER BY offset")
        print(reasons.strip())
        rows = [r.split("\t", 1) for r in reasons.strip().splitlines()]
        check([int(o) for o, _ in rows] == [4, 5, 11]
              and "not valid JSON" in rows[0][1] and "array" in rows[1][1]
              and "above --max-record-bytes 1000000" in rows[2][1],
              "each bad record is a dead letter at its offset, with what is wrong")
        check(k4.query("SELECT count() FROM tote.land_odds_staging FINAL").strip() == "1",
              "a table nothing maps lands as itself")
        cols = k4.query("SELECT name FROM system.columns WHERE database = 'tote' "
                        "AND table = 'land_bets' AND name = 'channel'").strip()
        check(cols == "channel", "a column added while running lands as a new column")
    finally:
        cleanup(k4.data_dir)


def main():
    missing = [t for t in ("java", "mvn") if shutil.which(t) is None]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (scripts/install-deps.sh --tests)")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)
    t_start = time.monotonic()
    stack_dir = tempfile.mkdtemp(prefix="tote-kafka-stack-", dir=os.environ.get("TOTE_TEST_TMP"))
    kport = free_port()
    env = dict(os.environ, TOTE_STACK_DIR=stack_dir, TOTE_KAFKA_PORT=str(kport),
               TOTE_KAFKA_CONTROLLER_PORT=str(free_port()), TOTE_PG_PORT=str(free_port()),
               TOTE_CONNECT_PORT=str(free_port()), TOTE_CLICKHOUSE_PORT=str(free_port()))
    brokers = f"127.0.0.1:{kport}"
    src, ref_dir, k1_dir, k2_dir = (temp_data_dir(n) for n in ("kafka-src", "kafka-ref", "kafka-1", "kafka-2"))
    procs = []
    try:
        p, dt = run([STACK, "up", "kafka"], env, timeout=600)
        print(f"ok: Kafka broker up on {brokers} in {dt:.1f} s")

        tote = Tote(TOTE, src)
        tote.run("simulate", "--max-events", str(EVENTS), "--seed", "14")
        truth_path = os.path.join(src, "ground_truth.json")
        truth = tote.ground_truth()
        n = truth["log_offset"]
        check(n >= EVENTS, f"simulated a log of {n} records")
        shutil.rmtree(ref_dir)
        shutil.copytree(src, ref_dir)
        ref = Tote(TOTE, ref_dir)
        print(ingested_line(ref.run("ingest").stdout))
        reference = fact_snapshot(ref)
        log_dir = os.path.join(src, "log")

        # -- one topic, produced whole, ingested to its end ----------------------------------
        topic = "tote_it.all"
        p, dt = run([LOG_TO_KAFKA, "produce", log_dir, brokers, topic, "0", "-1"])
        print(p.stdout.strip())
        check(f"produced {n} records" in p.stdout and f"{n} delivered, 0 at another offset, 0 failed"
              in p.stdout, f"the {n} records went to {topic}/0 at Kafka offsets equal to their log offsets")
        null_keys = int(p.stdout.split("; ")[1].split(" null keys")[0])
        null_values = int(p.stdout.split(", ")[1].split(" null values")[0])
        check(null_keys > 0 and null_values > 0,
              f"the stream holds truncates ({null_keys} null keys) and tombstones ({null_values} null values)")
        p, _ = run([LOG_TO_KAFKA, "verify", log_dir, brokers, topic])
        print(p.stdout.strip())
        check(f"verified {n} records" in p.stdout and "0 differences" in p.stdout,
              "KafkaSource reads the topic back byte-identical to the log (keys, values, nulls, timestamps)")

        k1 = Tote(TOTE, k1_dir)
        consumer = f"kafka:{topic}:0"
        p = k1.run("ingest", "--kafka-brokers", brokers, "--kafka-topic", topic)
        line = ingested_line(p.stdout)
        print(line)
        secs = float(line.split(" in ")[1].split(" s;")[0])
        print(f"ingest from Kafka: {n} records in {secs:.1f} s = {n / max(secs, 1e-3):,.0f} records/s "
              f"(facts included)")
        check(line.endswith(f"warehouse at offset {n:,}"), "the ingest stopped at the topic's end")
        check(committed(k1, consumer) == n, f"the position is kept under consumer {consumer}")
        rec = k1.run("reconcile", "--ground-truth", truth_path, "--consumer", consumer, check=False)
        print(rec.stdout)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "tote reconcile of the Kafka ingest against the simulator's ground truth is exact")
        compare_facts(fact_snapshot(k1), reference, "from Kafka")
        again = ingested_line(k1.run("ingest", "--kafka-brokers", brokers, "--kafka-topic", topic).stdout)
        check(again.startswith("ingested 0 records") and again.endswith(f"warehouse at offset {n:,}"),
              f"a second run finds nothing new ({again})")

        # -- a topic filled while `--follow` reads it, killed twice mid-stream ---------------
        topic2 = "tote_it.follow"
        consumer2 = f"kafka:{topic2}:0"
        # A live topic ends between transactions once Debezium has written one whole: --follow
        # commits only at such a boundary (a transaction lands once its END gives its commit
        # position), so the parts end at the first boundary after each cut.
        def boundary(offset):
            return int(run([LOG_TO_KAFKA, "boundary", log_dir, str(offset)])[0].stdout.strip())
        bounds = [0, boundary(n * 2 // 5), boundary(n * 7 // 10), boundary(n * 17 // 20), n]
        check(0 < bounds[1] < bounds[2] < bounds[3] < n, f"the parts end between transactions {bounds}")
        k2 = Tote(TOTE, k2_dir)
        follow = ["ingest", "--kafka-brokers", brokers, "--kafka-topic", topic2, "--follow",
                  "--batch", "2000"]
        run([LOG_TO_KAFKA, "produce", log_dir, brokers, topic2, "0", str(bounds[1])])
        resumed_at = 0
        kills = []

        def start_follow(part):
            err_path = os.path.join(stack_dir, f"follow-{part}.stderr")
            with open(err_path, "w") as err_file:
                proc = subprocess.Popen(k2.cmd(*follow), stdout=subprocess.PIPE, stderr=err_file, bufsize=0)
            procs.append(proc)
            try:
                line = wait_line(proc, "resuming at offset")
            except SystemExit:
                print(open(err_path).read()[-2000:])
                raise
            # Keep draining its progress output, so a full pipe never stalls it.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            check(f"resuming at offset {resumed_at:,};" in line,
                  f"run {part} of --follow resumes at the committed offset {resumed_at:,}")
            return proc

        for part in (1, 2):
            proc = start_follow(part)
            wait_durable_past(proc, k2_dir, bounds[part] - 1)  # caught up, waiting for more
            s = api_status(k2_dir)
            check(s["phase"] == "waiting for input" and s["log_end_offset"] == bounds[part],
                  f"--follow waits at the partition's end {bounds[part]} (phase {s['phase']!r}, "
                  f"end {s['log_end_offset']})")
            producer = subprocess.Popen([LOG_TO_KAFKA, "produce", log_dir, brokers, topic2,
                                         str(bounds[part]), str(bounds[part + 1])],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append(producer)
            wait_durable_past(proc, k2_dir, bounds[part])  # reading the new messages
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            out, err = producer.communicate(timeout=DEADLINE)
            check(producer.returncode == 0, f"part {part + 1} produced in order ({out.strip()} {err.strip()})")
            resumed_at = committed(k2, consumer2)
            kills.append(resumed_at)
            print(f"kill {part}: committed offset {resumed_at}")
            check(bounds[part] < resumed_at <= bounds[part + 1],
                  f"kill {part} landed after new messages were committed ({resumed_at})")
        check(any(k < n for k in kills), f"a kill landed mid-stream (committed {kills} of {n})")
        # Run 3 follows through a restart of the broker, then reads what arrives after it.
        proc = start_follow(3)
        wait_durable_past(proc, k2_dir, bounds[3] - 1)
        t0 = time.monotonic()
        run([STACK, "down"], env, timeout=120)
        run([STACK, "up", "kafka"], env, timeout=300)
        check(proc.poll() is None, f"--follow rode out a broker restart of {time.monotonic() - t0:.1f} s")
        run([LOG_TO_KAFKA, "produce", log_dir, brokers, topic2, str(bounds[3]), str(bounds[4])])
        s = wait_durable_past(proc, k2_dir, n - 1)
        check(s["durable_offset"] == n, f"after the restart it landed the new messages to the end ({n})")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=DEADLINE) == 0, "--follow stops cleanly on SIGTERM (exit 0)")
        p = k2.run("ingest", "--kafka-brokers", brokers, "--kafka-topic", topic2)
        line = ingested_line(p.stdout)
        print(line)
        check(line == f"ingested 0 records (0 changes, 0 dead letters) in {line.split(' in ')[1].split(' s;')[0]} s; "
                      f"warehouse at offset {n:,}",
              "a last run without --follow finds the warehouse at the topic's end")
        rec = k2.run("reconcile", "--ground-truth", truth_path, "--consumer", consumer2, check=False)
        print(rec.stdout)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "after two SIGKILLs of --follow and a broker restart the warehouse reconciles exactly, "
              "no key twice")
        dead = int(k2.query("SELECT count() FROM tote._dead_letters FINAL").strip())
        check(dead == 0, "no dead letters")
        compare_facts(fact_snapshot(k2), reference, "from Kafka after 2 kills and a broker restart")

        # -- a resume position below the partition's start: the gap is named, nothing skipped --
        run([LOG_TO_KAFKA, "produce", log_dir, brokers, "tote_it.gap", "0", "100"])
        p, _ = run([LOG_TO_KAFKA, "delete-before", brokers, "tote_it.gap", "40"])
        print(p.stdout.strip())
        k3 = Tote(TOTE, temp_data_dir("kafka-gap"))
        try:
            p = k3.run("ingest", "--kafka-brokers", brokers, "--kafka-topic", "tote_it.gap", check=False)
            print(p.stderr.strip())
            check(p.returncode != 0 and "offsets 0..39 of kafka://" in p.stderr
                  and "partition now starts at 40" in p.stderr and "Nothing was skipped" in p.stderr,
                  "a resume offset below the low watermark stops with the gap 0..39 named")
        finally:
            cleanup(k3.data_dir)
        bad_input_on_the_wire(brokers)
        print(f"kafka_ingest: {time.monotonic() - t_start:.0f} s in all")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        t_down = time.monotonic()
        subprocess.run([STACK, "down"], env=env, capture_output=True, timeout=120)
        print(f"stack down in {time.monotonic() - t_down:.1f} s")
        for d in (src, ref_dir, k1_dir, k2_dir):
            cleanup(d)
        if not os.environ.get("TOTE_KEEP_TEST_DATA"):
            shutil.rmtree(stack_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
