#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds the `tote` program only
# (the tests are built by scripts/test.sh), puts a `tote` launcher on the PATH, and runs the
# embedded demo (Ctrl-C stops it; running this again continues where it stopped).
# Extra arguments go to `tote demo`, e.g. ./scripts/demo.sh --duration 60
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$1" "$2"; }
started=$SECONDS

step "1/4" "system packages, the embedded engine and the front end's npm packages (skipped when present)"
"$root/scripts/install-deps.sh"

step "2/4" "building tote (only the program; ./scripts/test.sh builds the tests)"
"$root/scripts/build.sh" release tote

step "3/4" "installing the tote launcher"
"$root/scripts/install-launcher.sh"

step "4/4" "starting the demo ($((SECONDS - started)) s so far); Ctrl-C stops it"
exec "$root/build/release/src/cli/tote" --data-dir "$root/var/demo" demo "$@"
