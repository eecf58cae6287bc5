#!/usr/bin/env bash
# Configures and builds tote. Usage: scripts/build.sh [release|sanitize|fuzz] [target...]
# (no target: everything of that kind, tests included; e.g. `release tote`: the program only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kind="${1:-release}"
shift || true
case "$kind" in
  release)  dir="$root/build/release"; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir="$root/build/sanitize"; flags=(-DCMAKE_BUILD_TYPE=Debug -DTOTE_SANITIZE=ON -DTOTE_WITH_ENGINE=OFF) ;;
  fuzz)     dir="$root/build/fuzz"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOTE_FUZZ=ON -DTOTE_WITH_ENGINE=OFF
                                           -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: $0 [release|sanitize|fuzz]" >&2; exit 2 ;;
esac
targets=()
[ "$kind" = fuzz ] && targets=(--target fuzz_debezium_decoder fuzz_maxwell_decoder fuzz_jsonl_record_reader fuzz_log_frame)
[ $# -gt 0 ] && targets=(--target "$@")
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
