#!/usr/bin/env bash
# Fetches the embedded ClickHouse engine (libchdb.so) from the npm registry, pinned and
# checksum-verified, into a cache outside the clone: ${TOTE_CACHE:-$HOME/.cache/tote}/chdb/VERSION.
set -euo pipefail
version="26.5.3"
sha256="b874e449710950da3abd7e20376f7bb3387d9e03adcc7082f022be18dfdf316a"
cache="${TOTE_CACHE:-$HOME/.cache/tote}/chdb"
dest="$cache/$version"
if [ -f "$dest/libchdb.so" ] && [ -f "$dest/.verified" ]; then exit 0; fi
mkdir -p "$cache"
tgz="$cache/chdb-lib-linux-x64-gnu-$version.tgz"
if [ ! -f "$tgz" ] || ! echo "$sha256  $tgz" | sha256sum -c --quiet - 2>/dev/null; then
  echo "tote: downloading @chdb/lib-linux-x64-gnu@$version (~166 MB) from the npm registry"
  (cd "$cache" && npm pack --silent "@chdb/lib-linux-x64-gnu@$version" >/dev/null)
fi
if ! echo "$sha256  $tgz" | sha256sum -c --quiet -; then
  echo "tote: checksum of $tgz does not match the pinned $sha256; delete it and retry" >&2
  exit 1
fi
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
tar -xzf "$tgz" -C "$dest.tmp" package/libchdb.so
mv "$dest.tmp/package/libchdb.so" "$dest.tmp/libchdb.so" && rmdir "$dest.tmp/package"
touch "$dest.tmp/.verified"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "tote: libchdb $version ready in $dest"
