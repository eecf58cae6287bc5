#!/usr/bin/env bash
# Installs what is missing, builds tote, and runs the embedded demo (Ctrl-C stops it; running
# this again continues where it stopped). Extra arguments go to `tote demo`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" release
exec "$root/build/release/src/cli/tote" --data-dir "$root/var/demo" demo "$@"
