#!/usr/bin/env bash
# Installs what tote needs from Debian's packages (Debian 12) and the embedded engine from npm.
# Safe to run again: it installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Debian cannot pin exact versions forever (point releases replace them): we assert the
# major.minor we test with in scripts/check-versions.sh.
packages=(cmake ninja-build g++ libgtest-dev libsimdjson-dev libfmt-dev libcli11-dev
          libcurl4-openssl-dev librdkafka-dev libcpp-httplib-dev clang libclang-rt-14-dev
          clang-format pkg-config postgresql-15 postgresql-client-15 clickhouse-server clickhouse-client
          python3
          # scripts/stack.sh (the deployed stack): Java runs Kafka, Connect and Debezium, whose
          # pinned jars Maven fetches from Maven Central (stack/*/pom.xml); curl talks to REST APIs.
          openjdk-17-jre-headless maven curl)
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
