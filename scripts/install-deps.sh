#!/usr/bin/env bash
# Installs what tote needs from Debian's packages (Debian 12), the embedded engine and the
# dashboard's front-end packages (web/package-lock.json) from npm: for the demo by default, for
# every test with --tests. Safe to run again: it installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Debian cannot pin exact versions forever (point releases replace them): we assert the
# major.minor we test with in scripts/check-versions.sh.
# What the demo needs (the first README command): the build and the embedded engine.
packages=(cmake ninja-build g++ libgtest-dev libsimdjson-dev libfmt-dev libcli11-dev
          libcurl4-openssl-dev zlib1g-dev librdkafka-dev libcpp-httplib-dev libyaml-cpp-dev
          librocksdb-dev libpq-dev libmariadb-dev libabsl-dev tzdata libmimalloc2.0 pkg-config
          python3)
# What the tests need too (scripts/test.sh passes --tests): the fuzzers' clang, the format
# check, the real servers (PostgreSQL 15, ClickHouse 18.16, MariaDB 10.11) and, for scripts/stack.sh, Java
# (Kafka, Connect and Debezium, whose pinned jars Maven fetches from Maven Central), curl and,
# for the browser tests (Playwright, web/tests), Debian's Chromium.
if [ "${1:-}" = "--tests" ]; then
  packages+=(clang libclang-rt-14-dev clang-format python3-venv postgresql-15 postgresql-client-15
             clickhouse-server clickhouse-client openjdk-17-jre-headless maven curl
             mariadb-server mariadb-client chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the embedded engine; the machine's own Node.js (20) is used when present.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "tote: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
"$here/fetch-chdb.sh"
# The front end's pinned npm packages (TypeScript, esbuild, uPlot, playwright-core) into
# web/node_modules, once per lock file; the build's own `npm ci` step is then offline.
cmake -DWEB_DIR="$here/../web" -DNPM="$(command -v npm)" -P "$here/../cmake/NpmCi.cmake"
