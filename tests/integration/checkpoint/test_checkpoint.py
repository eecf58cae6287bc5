"""Checkpointed fact state (issue 13): restarts restore the newest checkpoint at or before the
warehouse's position and replay only the log after it; the warehouse ends byte for byte equal
(every fact, dimension, ETL log and KPI table through FINAL) to one uninterrupted ingest of the
same log, also after the log's prefix before the checkpoint was removed (as retention would).
The checkpointed runs hold the fact state to a 1 MiB memory budget (everything else goes to the
cold store and is read back by late changes); the reference run has no budget, so the equality
also proves that a tiny budget writes exactly what no budget writes (issue 13, point 3).
A damaged checkpoint is skipped for the older one with a message; when the records a restore
needs are gone, ingest stops with an error naming them and writes nothing.

The log's older part is removed by punching a hole over its first bytes (fallocate
--punch-hole: the blocks are freed, byte positions of the rest stay valid), which is what a
retention of the one-file log would do; zeros are written instead where holes are unsupported.
"""
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, check_same_facts, cleanup, fact_snapshot, temp_data_dir  # noqa: E402

EVENTS = int(os.environ.get("TOTE_CKPT_EVENTS", "300000"))
EVERY = 40000
DIMENSIONS = {
    "dim_player": "SELECT * FROM tote.dim_player FINAL ORDER BY player_id",
    "dim_sport": "SELECT * FROM tote.dim_sport FINAL ORDER BY sport_id",
    "dim_competition": "SELECT * FROM tote.dim_competition FINAL ORDER BY competition_id",
    "dim_event": "SELECT * FROM tote.dim_event FINAL ORDER BY event_id",
    "dim_market": "SELECT * FROM tote.dim_market FINAL ORDER BY market_id",
    "dim_selection": "SELECT * FROM tote.dim_selection FINAL ORDER BY selection_id",
    "dim_fx_rate": "SELECT * FROM tote.dim_fx_rate FINAL ORDER BY currency, day",
}


def snapshot(tote):
    snap = fact_snapshot(tote)
    for table, sql in DIMENSIONS.items():
        text = tote.query(sql)
        snap[table] = (text.count("\n"), text)
    return snap


def committed_offset(tote):
    out = tote.query("SELECT next_offset FROM tote._offsets FINAL WHERE consumer = 'ingest'").strip()
    return int(out) if out else 0


def checkpoints(data):
    folder = os.path.join(data, "checkpoints", "tote.ingest")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".ckpt")) if os.path.isdir(folder) else []
    return folder, [(int(n[len("facts-"):-len(".ckpt")]), os.path.join(folder, n)) for n in names]


def checkpoint_position(path):
    """(next_offset, byte_position) from a checkpoint's header (src/state/checkpoint_store.h)."""
    with open(path, "rb") as f:
        head = f.read(36 + 16)
    check(head[:8] == b"TOTECKPT", f"{path} starts with the checkpoint magic")
    return struct.unpack_from("<qq", head, 36)


def remove_log_prefix(data, byte_position):
    log = os.path.join(data, "log", "records.log")
    proc = subprocess.run(["fallocate", "--punch-hole", "--offset", "0", "--length",
                           str(byte_position), log], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"no hole punching ({proc.stderr.strip()}): writing zeros")
        with open(log, "r+b") as f:
            f.write(b"\0" * byte_position)
    with open(log, "rb") as f:
        check(f.read(64) == b"\0" * 64, "the log's first bytes are gone")


def ingest(tote, *args, ok=True, budget_mb=1):
    proc = tote.run("ingest", "--batch", "20000", "--state-memory-mb", str(budget_mb), *args, check=ok)
    return proc


def moved_and_read_back(out):
    """(states moved to the cold store, states read back) from ingest's summary line."""
    m = re.search(r"fact state: .* budget; ([\d,]+) states moved to the cold store, ([\d,]+) read back", out)
    return (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))) if m else (0, 0)


def main():
    data = temp_data_dir("ckpt")
    ref_data = temp_data_dir("ckpt-ref")
    tote = Tote(sys.argv[1], data)
    ref = Tote(sys.argv[1], ref_data)
    try:
        tote.run("simulate", "--max-events", str(EVENTS), "--seed", "31", "--anomaly-rate", "0.05",
                 "--redelivery-rate", "0.02")
        end = tote.ground_truth()["log_offset"]
        shutil.rmtree(ref_data)
        shutil.copytree(data, ref_data)
        ingest(ref, "--checkpoint-every", "0", budget_mb=0)  # the uninterrupted run: the reference
        check(not checkpoints(ref_data)[1], "--checkpoint-every 0 writes no checkpoint")
        reference = snapshot(ref)

        # 1. Part of the log, with checkpoints; the newest two are kept.
        stop1 = end * 45 // 100
        out = ingest(tote, "--checkpoint-every", str(EVERY), "--stop-at-offset", str(stop1)).stdout
        check(committed_offset(tote) == stop1, f"the first run stopped at offset {stop1}")
        folder, cps = checkpoints(data)
        check(len(cps) == 2, f"the newest two checkpoints are kept: {[o for o, _ in cps]}")
        x1 = cps[-1][0]
        check(0 < x1 <= stop1 and f"newest at offset {x1:,}" in out,
              f"the newest checkpoint ({x1}) is at or before the committed offset {stop1}")
        moved, read_back = moved_and_read_back(out)
        check(moved > 10000 and read_back > 1000,
              f"the 1 MiB budget moved {moved} fact states to the cold store, {read_back} read back")
        colds = sorted(n for n in os.listdir(folder) if n.endswith(".cold"))
        check(colds == [os.path.basename(p)[:-len(".ckpt")] + ".cold" for _, p in cps],
              f"each kept checkpoint has its cold store copy, and only those: {colds}")
        kept_old = os.path.join(data, "old-checkpoint")
        shutil.copy(cps[0][1], kept_old)  # for the "checkpoint older than the log" case below
        shutil.copytree(cps[0][1][:-len(".ckpt")] + ".cold", kept_old + ".cold")

        # 2. Restart: restores the checkpoint, replays only what follows it.
        stop2 = end * 70 // 100
        out = ingest(tote, "--checkpoint-every", str(EVERY), "--stop-at-offset", str(stop2)).stdout
        check(f"restored checkpoint at offset {x1:,} (" in out, "the restart restored it: " +
              next((l for l in out.splitlines() if "restored" in l), "(no line)"))
        check(f"fact state rebuilt from {stop1 - x1:,} records" in out,
              f"and replayed only the {stop1 - x1} records between it and the committed offset")

        # 3. A damaged newest checkpoint: skipped, with a message, for the older one.
        folder, cps = checkpoints(data)
        newest, older = cps[-1], cps[-2]
        with open(newest[1], "r+b") as f:
            f.seek(os.path.getsize(newest[1]) // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        stop3 = end * 80 // 100
        proc = ingest(tote, "--checkpoint-every", str(EVERY), "--stop-at-offset", str(stop3))
        check("checksum mismatch" in proc.stderr and os.path.basename(newest[1]) in proc.stderr,
              "the damaged checkpoint is reported: " + proc.stderr.strip().splitlines()[0])
        check(f"restored checkpoint at offset {older[0]:,} (" in proc.stdout,
              f"and the older one (offset {older[0]}) is restored instead")

        # 4. Retention removed the log before the newest checkpoint: the restart does not need it.
        folder, cps = checkpoints(data)
        newest_offset, newest_byte = checkpoint_position(cps[-1][1])
        check(newest_offset == cps[-1][0], "the checkpoint's name and header agree")
        remove_log_prefix(data, newest_byte)
        out = ingest(tote, "--checkpoint-every", str(EVERY)).stdout
        check(f"restored checkpoint at offset {newest_offset:,} (" in out,
              f"with the log before offset {newest_offset} removed, the restart restored it")
        check(committed_offset(tote) == end, "and the warehouse consumed the whole log")

        got = snapshot(tote)
        check_same_facts(got, reference, "with checkpoints", "the uninterrupted run")

        # 5. The records a restore needs are gone: a clear error naming them; nothing written.
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        proc = ingest(tote, ok=False)
        check(proc.returncode == 2, f"without a checkpoint the full replay fails (exit {proc.returncode})")
        check(f"log records 0..{end - 1:,}".replace(",", "") in proc.stderr and
              "cannot be read" in proc.stderr,
              "naming the records needed: " + proc.stderr.strip()[:300])
        old_offset = checkpoint_position(kept_old)[0]
        shutil.copy(kept_old, os.path.join(folder, f"facts-{old_offset:020d}.ckpt"))
        shutil.copytree(kept_old + ".cold", os.path.join(folder, f"facts-{old_offset:020d}.cold"))
        proc = ingest(tote, ok=False)
        check(proc.returncode == 2 and f"log records {old_offset}..{end - 1}" in proc.stderr and
              f"the checkpoint at offset {old_offset}" in proc.stderr,
              "a checkpoint older than the log's start fails naming the gap: " +
              proc.stderr.strip()[:300])
        check(committed_offset(tote) == end and snapshot(tote) == got,
              "the failed starts wrote nothing")
    finally:
        cleanup(data)
        cleanup(ref_data)


if __name__ == "__main__":
    main()
