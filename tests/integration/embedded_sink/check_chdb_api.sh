#!/usr/bin/env bash
# Every function declared in src/sink/chdb_api.h must be exported by the pinned libchdb.so.
# Usage: check_chdb_api.sh path/to/chdb_api.h path/to/libchdb.so
set -euo pipefail
header="$1"; lib="$2"
exported="$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}')"
declared="$(grep -oE '\bchdb_[a-z_]+\(' "$header" | tr -d '(' | sort -u)"
[[ -n "$declared" ]] || { echo "no chdb_ functions found in $header" >&2; exit 1; }
missing=0
for f in $declared; do
  if grep -qx "$f" <<<"$exported"; then echo "ok   $f"; else echo "MISSING $f (not exported by $lib)"; missing=1; fi
done
exit $missing
