#!/usr/bin/env bash
# Installs a `tote` launcher that runs this clone's release build from any folder:
# /usr/local/bin/tote when run as root, else ~/.local/bin/tote (override: TOTE_BIN_DIR).
# Says how to put the folder on the PATH when it is not there yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${TOTE_BIN_DIR:-}" ]; then bin="$TOTE_BIN_DIR"
elif [ "$(id -u)" = 0 ]; then bin=/usr/local/bin
else bin="$HOME/.local/bin"; fi
mkdir -p "$bin"
target="$root/build/release/src/cli/tote"
tmp="$bin/.tote.$$"
cat >"$tmp" <<LAUNCHER
#!/bin/sh
# tote launcher, written by $root/scripts/install-launcher.sh
if [ ! -x "$target" ]; then
  echo "tote: $target is not built; run $root/scripts/demo.sh or $root/scripts/build.sh release tote" >&2
  exit 2
fi
exec "$target" "\$@"
LAUNCHER
chmod 755 "$tmp"
mv -f "$tmp" "$bin/tote"
echo "tote: launcher installed: $bin/tote -> $target"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "tote: $bin is not on your PATH; add it with:  export PATH=\"$bin:\$PATH\"" ;;
esac
