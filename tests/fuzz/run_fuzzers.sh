#!/usr/bin/env bash
# Runs every built libFuzzer target for SECONDS seconds each, seeded from the golden inputs.
# Builds nothing: configure and build first, e.g.
#   cmake -S . -B build/fuzz -G Ninja -DTOTE_FUZZ=ON -DTOTE_WITH_ENGINE=OFF -DCMAKE_CXX_COMPILER=clang++
#   cmake --build build/fuzz --target fuzz_debezium_decoder fuzz_maxwell_decoder fuzz_jsonl_record_reader fuzz_log_frame
# Usage: tests/fuzz/run_fuzzers.sh SECONDS [BUILD_DIR]   (BUILD_DIR defaults to build/fuzz)
# Exits non-zero when a fuzzer finds a crash (its reproducer stays in the work directory).
set -euo pipefail
seconds=${1:?usage: run_fuzzers.sh SECONDS [BUILD_DIR]}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${2:-$root/build/fuzz}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tote-fuzz.XXXXXX")
echo "fuzz work directory: $work"

# Seeds: one file per captured value (key NUL value, as the decoder fuzzers split them), one per
# capture line, and framed log records of a few captures.
python3 - "$root" "$work" <<'PY'
import glob, json, os, struct, sys, zlib
root, work = sys.argv[1], sys.argv[2]
for d in ("debezium", "maxwell", "jsonl", "frame"):
    os.makedirs(os.path.join(work, "seeds", d), exist_ok=True)
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF
n = 0
# The MariaDB captures are Debezium envelopes too: they seed the Debezium decoder.
for folder, fmt in (("debezium", "debezium"), ("maxwell", "maxwell"), ("mariadb", "debezium")):
    for path in sorted(glob.glob(os.path.join(root, "tests/golden", folder, "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line:
                continue
            n += 1
            open(os.path.join(work, "seeds/jsonl", f"{n}"), "w").write(line)
            try:
                r = json.loads(line)
            except ValueError:
                continue
            key, value = r.get("key"), r.get("value")
            prefix = b"T" if str(r.get("topic", "")).endswith(".transaction") else b""
            if value is not None:
                seed = prefix + ((key.encode() + b"\0") if key is not None else b"") + value.encode()
                open(os.path.join(work, "seeds", fmt, f"{n}"), "wb").write(seed)
            if n % 4 == 0:
                topic = r["topic"].encode()
                payload = struct.pack("<qqiH", r["offset"], r.get("timestamp_ms", 0), r["partition"], len(topic)) + topic
                for part in (key, value):
                    payload += struct.pack("<i", -1) if part is None else struct.pack("<i", len(part.encode())) + part.encode()
                frame = struct.pack("<II", len(payload), crc32c(payload)) + payload
                open(os.path.join(work, "seeds/frame", f"{n}"), "wb").write(frame)
PY

status=0
run() {
    local target=$1 seeds=$2
    local bin=$build/tests/fuzz/$target
    if [[ ! -x $bin ]]; then
        echo "SKIP $target: $bin not built"
        return
    fi
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
    echo "RUN  $target for ${seconds}s"
    if (cd "$work/artifacts/$target" && "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
            -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1 \
            "$work/corpus/$target" "$work/seeds/$seeds" > "$work/$target.log" 2>&1); then
        echo "OK   $target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" || true)"
    else
        echo "FAIL $target: see $work/$target.log and $work/artifacts/$target/"
        tail -n 30 "$work/$target.log"
        status=1
    fi
}
run fuzz_debezium_decoder debezium
run fuzz_maxwell_decoder maxwell
run fuzz_jsonl_record_reader jsonl
run fuzz_log_frame frame
exit $status
