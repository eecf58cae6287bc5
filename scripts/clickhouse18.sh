#!/usr/bin/env bash
# Starts, stops or checks a ClickHouse 18.16 server (Debian's clickhouse-server) of our own,
# with a config generated into DIR: nothing outside DIR is read or written, the system
# service (if any) is neither used nor touched.
#
# Usage: scripts/clickhouse18.sh start|stop|status DIR PORT
#   HTTP on 127.0.0.1:PORT, native TCP on PORT+1, no interserver port.
#   Data, temporary files, user files, format schemas and logs all live under DIR.
# Exit codes: 0 ok, 1 failure, 2 usage, 77 clickhouse-server is not installed (tests skip).
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR PORT" >&2; exit 2; }
[[ $# -eq 3 ]] || usage
cmd="$1"; port="$3"
[[ "$port" =~ ^[0-9]+$ ]] || usage
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
pidfile="$dir/server.pid"

server_bin="$(command -v clickhouse-server || true)"
[[ -z "$server_bin" && -x /usr/sbin/clickhouse-server ]] && server_bin=/usr/sbin/clickhouse-server

ping_ok() { curl -sf --max-time 1 "http://127.0.0.1:$port/ping" 2>/dev/null | grep -q Ok; }
running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

write_config() {
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <http_port>$port</http_port>
    <tcp_port>$((port + 1))</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <max_connections>256</max_connections>
    <keep_alive_timeout>10</keep_alive_timeout>
    <max_concurrent_queries>50</max_concurrent_queries>
    <uncompressed_cache_size>1073741824</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mlock_executable>false</mlock_executable>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
XML
}

case "$cmd" in
  start)
    [[ -n "$server_bin" ]] || { echo "clickhouse-server is not installed" >&2; exit 77; }
    if pid="$(running_pid)"; then
      echo "clickhouse 18 already running in $dir (pid $pid)" >&2
      ping_ok && exit 0
      echo "but it does not answer on port $port: stop it first" >&2; exit 1
    fi
    if ping_ok; then
      echo "port $port already answers /ping: another server uses it; choose another port" >&2
      exit 1
    fi
    write_config
    # The server writes preprocessed config files beside its config: start it from DIR.
    (cd "$dir" && exec setsid "$server_bin" --config-file="$dir/config.xml" \
        >"$dir/log/stdout.log" 2>"$dir/log/stderr.log" </dev/null) &
    echo $! >"$pidfile"
    # Readiness check: poll /ping a bounded number of times.
    for _ in $(seq 1 150); do
      if ping_ok; then echo "clickhouse 18 ready on http://127.0.0.1:$port (pid $(cat "$pidfile"))"; exit 0; fi
      if ! running_pid >/dev/null; then
        echo "clickhouse-server exited during start; see $dir/log/" >&2
        tail -n 20 "$dir/log/stderr.log" "$dir/log/clickhouse-server.err.log" 2>/dev/null >&2 || true
        rm -f "$pidfile"; exit 1
      fi
      sleep 0.1
    done
    echo "clickhouse-server did not answer /ping on port $port within 15 s; see $dir/log/" >&2
    exit 1
    ;;
  stop)
    if pid="$(running_pid)"; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "clickhouse-server (pid $pid) ignored SIGTERM for 10 s: killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
      echo "clickhouse 18 stopped (pid $pid)"
    else
      echo "clickhouse 18 not running in $dir"
    fi
    rm -f "$pidfile"
    ;;
  status)
    if pid="$(running_pid)" && ping_ok; then
      echo "running (pid $pid) on http://127.0.0.1:$port"
    elif pid="$(running_pid)"; then
      echo "process $pid alive but not answering on port $port"; exit 1
    else
      echo "not running"; exit 1
    fi
    ;;
  *) usage ;;
esac
