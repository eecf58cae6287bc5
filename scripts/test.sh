#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. Release build: unit, golden and integration tests (embedded engine, ClickHouse 18.16
#      server, PostgreSQL 15, the deployed stack of scripts/stack.sh), including the 1M-event
#      end-to-end and SIGKILL crash tests;
#   2. ASan+UBSan build of everything that does not link the embedded engine;
#   3. every libFuzzer target for TOTE_FUZZ_SECONDS (default 30) seconds each.
# Ends with one line "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh" --tests || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
run_ctest() {  # build-dir label
  local log; log="$(mktemp)"
  (cd "$1" && ctest --output-on-failure --timeout 1500 2>&1) | tee "$log"
  local line; line="$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)"
  if [ -z "$line" ]; then failed=$((failed + 1)); echo "tote: $2: ctest printed no summary"; rm -f "$log"; return; fi
  local total fails
  total="$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")"
  fails="$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")"
  passed=$((passed + total - fails)); failed=$((failed + fails))
  rm -f "$log"
}

echo "== release build and tests"
if "$root/scripts/build.sh" release; then run_ctest build/release release; else failed=$((failed + 1)); fi

echo "== sanitizer build (ASan+UBSan) and tests"
if "$root/scripts/build.sh" sanitize; then run_ctest build/sanitize sanitize; else failed=$((failed + 1)); fi

echo "== fuzz targets"
if "$root/scripts/build.sh" fuzz; then
  if "$root/tests/fuzz/run_fuzzers.sh" "${TOTE_FUZZ_SECONDS:-30}" build/fuzz; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
