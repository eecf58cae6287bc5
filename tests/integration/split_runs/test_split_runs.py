"""Issue 12, case 5: finite runs over a growing log leave the warehouse one run would leave.

`tote ingest` without --follow ends by finalising the verdicts still waiting for their watermark
(FactStage::drain). When the log then grows and the next run brings the late rows, those facts
are re-emitted and their rows superseded; the ETL log entries the drain wrote must go too.

1. A capture with late-arriving dimensions: the simulator's log as Kafka JSON lines, with the
   snapshot reads of a few selections moved to a few hundred records after the first bet leg on
   them. It is ingested (`--jsonl`) in finite runs, the file growing between them (cut right
   after such a bet, then further, then whole), into one warehouse, and once whole into another.
2. The simulator's own log (the embedded file log), cut back to its first K records and grown
   again between finite runs, against one run.
Every fact table, the ETL log (entries in force: retracted ones hidden) and the KPI
contributions must be byte for byte equal through FINAL.
"""
import json
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, check_same_facts, cleanup, fact_snapshot, temp_data_dir  # noqa: E402

EVENTS = int(os.environ.get("TOTE_SPLIT_EVENTS", "20000"))
SIMULATE = ["simulate", "--max-events", str(EVENTS), "--seed", "12", "--events", "20",
            "--players", "300"]
LATE_SELECTIONS = 3
LATE_BY = 400  # records between the first leg on a late selection and the selection


def read_log(path):
    """The embedded log's records (src/source/file_log_format.h: u32 payload length, u32 crc,
    payload = i64 offset, i64 timestamp_ms, i32 partition, u16 topic length, topic, i32 key
    length, key, i32 value length, value; -1 = null) and the byte position after each."""
    with open(path, "rb") as f:
        data = f.read()
    records, ends, pos = [], [], 0
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from("<I", data, pos)
        p = data[pos + 8:pos + 8 + length]
        _, ts, partition = struct.unpack_from("<qqi", p, 0)
        q = 20
        (n,) = struct.unpack_from("<H", p, q)
        topic = p[q + 2:q + 2 + n].decode()
        q += 2 + n
        fields = []
        for _ in range(2):
            (n,) = struct.unpack_from("<i", p, q)
            fields.append(p[q + 4:q + 4 + n].decode() if n >= 0 else None)
            q += 4 + max(n, 0)
        records.append({"topic": topic, "partition": partition, "timestamp_ms": ts,
                        "key": fields[0], "value": fields[1]})
        pos += 8 + length
        ends.append(pos)
    check(pos == len(data), f"the log {path} ends on a record boundary ({pos} of {len(data)} bytes)")
    return records, ends


def row_after(record):
    if record["value"] is None:
        return None
    v = json.loads(record["value"])
    if isinstance(v, dict) and "payload" in v:
        v = v["payload"]
    return v.get("after") if isinstance(v, dict) else None


def with_late_selections(records):
    """The records with the reads of LATE_SELECTIONS selections moved LATE_BY records after the
    first bet leg on each (selections read only in the snapshot, before any bet); returns the new
    order and, per moved selection, the position of that leg in it."""
    first_leg, reads, later = {}, {}, set()
    for i, r in enumerate(records):
        table = r["topic"].split(".")[-1]
        after = row_after(r)
        if table == "selections":
            if after is None:
                continue
            if first_leg:
                later.add(after["id"])
            else:
                reads.setdefault(after["id"], []).append(i)
        elif table == "bet_legs" and after is not None:
            first_leg.setdefault(after["selection_id"], i)
    chosen = [s for s, i in sorted(first_leg.items(), key=lambda kv: kv[1])
              if s in reads and s not in later][:LATE_SELECTIONS]
    check(len(chosen) == LATE_SELECTIONS, f"{len(chosen)} selections can be made late")
    moved = {i: s for s in chosen for i in reads[s]}
    insert_after = {}
    for s in chosen:
        insert_after.setdefault(first_leg[s] + LATE_BY, []).extend(
            records[i] for i in reads[s])
    out, legs = [], []
    for i, r in enumerate(records):
        if i not in moved:
            out.append(r)
        for s in chosen:
            if first_leg[s] == i:
                legs.append(len(out) - 1)
        out.extend(insert_after.get(i, []))
    check(len(out) == len(records), "every record is kept")
    return out, legs


def write_jsonl(path, records):
    with open(path, "w") as f:
        for offset, r in enumerate(records):
            f.write(json.dumps(dict(r, offset=offset, timestamp_type="create", headers=[])) + "\n")


def in_force(tote):
    """" AND retracted = 0" when the warehouse has the flag (migration 5), else ""."""
    has = tote.query("SELECT count() FROM system.columns WHERE database = 'tote' AND "
                     "table = 'etl_log' AND name = 'retracted'").strip()
    return " AND retracted = 0" if has == "1" else ""


def late_dimensions_capture(binary):
    data = temp_data_dir("split-capture")
    whole_data = temp_data_dir("split-capture-whole")
    tote = Tote(binary, data)
    whole = Tote(binary, whole_data)
    try:
        tote.run(*SIMULATE)
        records, _ = read_log(os.path.join(data, "log", "records.log"))
        late, legs = with_late_selections(records)
        capture = os.path.join(whole_data, "capture.jsonl")
        write_jsonl(capture, late)
        whole.run("ingest", "--jsonl", capture)
        unknown = "SELECT entity_key FROM tote.etl_log FINAL WHERE rule = 'leg_selection_known'"
        genuine = set(whole.query(unknown + in_force(whole)).split())  # injected anomalies

        grown = os.path.join(data, "capture.jsonl")
        for cut in sorted({legs[0] + 30, legs[1] + 30, legs[2] + 30, len(late) // 2}):
            write_jsonl(grown, late[:cut])
            tote.run("ingest", "--jsonl", grown)
            drained = set(tote.query(unknown + in_force(tote)).split()) - genuine
            print(f"after the first {cut} records: leg_selection_known in force beyond the "
                  f"injected anomalies {sorted(genuine)}: {sorted(drained)}")
            if cut == legs[0] + 30:
                check(len(drained) > 0, "the run that ended before the late selection arrived "
                                        "finalised the bets on it with leg_selection_known")
        write_jsonl(grown, late)
        tote.run("ingest", "--jsonl", grown)
        check_same_facts(fact_snapshot(tote), fact_snapshot(whole), "runs over a growing capture",
                         "one run over the whole capture")
    finally:
        cleanup(data)
        cleanup(whole_data)


def growing_file_log(binary):
    data = temp_data_dir("split")
    whole_data = temp_data_dir("split-whole")
    tote = Tote(binary, data)
    whole = Tote(binary, whole_data)
    try:
        tote.run(*SIMULATE)
        shutil.rmtree(whole_data)
        shutil.copytree(data, whole_data)
        whole.run("ingest")
        log = os.path.join(data, "log", "records.log")
        full = log + ".full"
        shutil.copyfile(log, full)
        _, ends = read_log(full)
        n = len(ends)
        for k in [12, n // 5, n // 3, n // 2, n // 2 + 7, 2 * n // 3]:
            with open(full, "rb") as src, open(log, "wb") as dst:
                dst.write(src.read(ends[k - 1]))
            tote.run("ingest")
        shutil.copyfile(full, log)
        tote.run("ingest")
        check_same_facts(fact_snapshot(tote), fact_snapshot(whole), "runs over a growing log",
                         "one run over the whole log")
        rec = tote.run("reconcile", check=False)
        check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
              "the warehouse written by runs over a growing log reconciles exactly")
    finally:
        cleanup(data)
        cleanup(whole_data)


def main():
    binary = sys.argv[1]
    late_dimensions_capture(binary)
    growing_file_log(binary)


if __name__ == "__main__":
    main()
