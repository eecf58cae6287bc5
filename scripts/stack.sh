#!/usr/bin/env bash
# The deployed stack on this machine, started by the project itself, all on 127.0.0.1:
#   PostgreSQL 15 (Debian's, own cluster, wal_level=logical)
#   Apache Kafka 4.4.0 broker (KRaft, single node)           \  jars from Maven Central,
#   Kafka Connect 4.4.0 (distributed) + Debezium PostgreSQL   /  pinned in stack/*/pom.xml
#   ClickHouse 18.16 server (Debian's, own config, via scripts/clickhouse18.sh)
#   MariaDB 10.11 (Debian's, own datadir, row-based binlog with GTIDs; only when named: `up mariadb`)
#   Kafka Connect 4.1.1 + Debezium MariaDB 3.5.0 (connect-mariadb; only when named; its own worker:
#                                                   stack/debezium-mariadb/pom.xml says why)
#
# Usage: scripts/stack.sh COMMAND
#   up [SERVICE...]          fetch (first time), start every service (or only the ones named:
#                            postgres, clickhouse, kafka, connect, mariadb, connect-mariadb),
#                            wait for health; without names: all but the MariaDB two
#   down [SERVICE...]        stop every service, or only the ones named (also after a crash: pid
#                            files are checked)
#   kill SERVICE             SIGKILL a service, as a crash would (fault tests); `up SERVICE` again
#   status                   each service: port, pid, healthy or not (exit 1 if one is not)
#   logs [SERVICE] [LINES]   the log file of a service (postgres|kafka|connect|clickhouse)
#   env                      shell assignments of the endpoints (eval "$(scripts/stack.sh env)")
#   fetch                    only fetch the pinned jars into the cache
#   connector NAME DATABASE [PREFIX] [key=value ...]
#                            register (or update) a Debezium PostgreSQL connector with the
#                            settings tote needs, wait until it is RUNNING, print its config
#   connector-mariadb NAME DATABASE [PREFIX] [key=value ...]
#                            the same for MariaDB (Debezium's MariaDB connector): binlog + GTIDs,
#                            snapshot first, transaction metadata, schema changes, decimals as text
#   connector-mariadb-delete NAME  remove a MariaDB connector (its offsets and schema history stay)
#   connector-delete NAME    remove a connector (its replication slot stays in PostgreSQL)
#   topics                   list the broker's topics
#   kafka-end-offset TOPIC   the number of records in TOPIC (sum of its partitions' end offsets)
#   consume TOPIC_REGEX [ARGS...]
#                            Kafka's console consumer from the beginning (keys printed)
#
# Settings (environment; the ports of a running stack are remembered in var/stack/ports.env):
#   TOTE_STACK_DIR              data, logs, pid files        (default: <clone>/var/stack)
#   TOTE_CACHE                  jar cache outside the clone   (default: ~/.cache/tote)
#   TOTE_PG_PORT                PostgreSQL                    (default 15432)
#   TOTE_KAFKA_PORT             Kafka broker (PLAINTEXT)      (default 19092)
#   TOTE_KAFKA_CONTROLLER_PORT  Kafka KRaft controller        (default 19093)
#   TOTE_CONNECT_PORT           Kafka Connect REST            (default 18083)
#   TOTE_CLICKHOUSE_PORT        ClickHouse HTTP; native TCP is this + 1 (default 18123)
#   TOTE_PG_DATABASE            database created by `up`      (default tote)
#   TOTE_MARIADB_PORT           MariaDB                       (default 13306)
#   TOTE_CONNECT_MARIADB_PORT   Kafka Connect 4.1.1 REST, the MariaDB connector's worker (default 18084)
#   TOTE_MARIADB_DATABASE       database created by `up mariadb` (default tote); user tote, password tote
#   TOTE_KAFKA_HEAP / TOTE_CONNECT_HEAP  JVM -Xmx             (default 512m each)
#   TOTE_JAVA                   the java binary               (default: Debian's OpenJDK 17)
#   TOTE_STACK_TIMEOUT          seconds to wait for each service's health (default 120)
#   TOTE_CONNECT_SCHEMAS        JSON converter schemas.enable for new connectors (default true)
#   TOTE_DECIMAL_MODE           decimal.handling.mode for new connectors (default string)
set -euo pipefail
umask 022  # PostgreSQL runs as the postgres user: it must traverse our folders

root="$(cd "$(dirname "$0")/.." && pwd)"
stack_files="$root/stack"
dir="${TOTE_STACK_DIR:-$root/var/stack}"
cache="${TOTE_CACHE:-$HOME/.cache/tote}/stack"
timeout="${TOTE_STACK_TIMEOUT:-120}"
services=(postgres clickhouse kafka connect)
# Started only when named (`up mariadb`); `status` lists it once it has a data folder.
optional_services=(mariadb connect-mariadb)

say() { echo "stack: $*"; }
die() { echo "stack: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- ports (remembered)
load_ports() {
  PG_PORT="${TOTE_PG_PORT:-15432}"
  KAFKA_PORT="${TOTE_KAFKA_PORT:-19092}"
  CONTROLLER_PORT="${TOTE_KAFKA_CONTROLLER_PORT:-19093}"
  CONNECT_PORT="${TOTE_CONNECT_PORT:-18083}"
  CH_PORT="${TOTE_CLICKHOUSE_PORT:-18123}"
  PG_DATABASE="${TOTE_PG_DATABASE:-tote}"
  MARIA_PORT="${TOTE_MARIADB_PORT:-13306}"
  MARIA_DATABASE="${TOTE_MARIADB_DATABASE:-tote}"
  CONNECT_MARIADB_PORT="${TOTE_CONNECT_MARIADB_PORT:-18084}"
  # A stack that runs keeps the ports it was started with.
  if [[ -f "$dir/ports.env" ]] && any_running; then
    # shellcheck disable=SC1091
    source "$dir/ports.env"
  fi
  for p in PG_PORT KAFKA_PORT CONTROLLER_PORT CONNECT_PORT CH_PORT MARIA_PORT CONNECT_MARIADB_PORT; do
    [[ "${!p}" =~ ^[0-9]+$ ]] || die "$p must be a port number, not '${!p}'"
  done
}
save_ports() {
  cat >"$dir/ports.env" <<EOF
PG_PORT=$PG_PORT
KAFKA_PORT=$KAFKA_PORT
CONTROLLER_PORT=$CONTROLLER_PORT
CONNECT_PORT=$CONNECT_PORT
CH_PORT=$CH_PORT
PG_DATABASE=$PG_DATABASE
MARIA_PORT=$MARIA_PORT
MARIA_DATABASE=$MARIA_DATABASE
CONNECT_MARIADB_PORT=$CONNECT_MARIADB_PORT
EOF
}

# ---------------------------------------------------------------- tools and versions
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PSQL="$PGBIN/psql"; [[ -x "$PSQL" ]] || PSQL=/usr/bin/psql
RUNAS=()
[[ "$(id -u)" == 0 ]] && RUNAS=(runuser -u postgres --)
MARIADBD="${MARIADBD:-/usr/sbin/mariadbd}"
MARIADB_ADMIN="$(command -v mariadb-admin || echo /usr/bin/mariadb-admin)"
MARIADB_CLIENT="$(command -v mariadb || echo /usr/bin/mariadb)"
check_mariadb_version() {
  [[ -x "$MARIADBD" ]] || die "MariaDB is not installed ($MARIADBD; Debian package mariadb-server; scripts/install-deps.sh --tests installs it)"
  "$MARIADBD" --version | grep -q 'Ver 10\.11\.' || die "expected MariaDB 10.11, found: $("$MARIADBD" --version)"
  [[ -x "$MARIADB_CLIENT" && -x "$MARIADB_ADMIN" ]] || die "the MariaDB client is not installed (Debian package mariadb-client)"
}

# Debian's OpenJDK 17 even when another Java is the default; TOTE_JAVA overrides.
find_java() {
  [[ -n "${JAVA:-}" ]] && return 0
  JAVA="${TOTE_JAVA:-}"
  if [[ -z "$JAVA" ]]; then
    local j
    for j in /usr/lib/jvm/java-17-openjdk-*/bin/java; do [[ -x "$j" ]] && JAVA="$j" && break; done
  fi
  [[ -n "$JAVA" ]] || JAVA="$(command -v java || true)"
  [[ -n "$JAVA" ]] || die "java is not installed (Debian package openjdk-17-jre-headless; scripts/install-deps.sh --tests installs it)"
}
need() {  # command package
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (Debian package $2; scripts/install-deps.sh --tests installs it)"
}
check_versions() {
  # Debian point releases change; we assert the major.minor we test with.
  [[ -x "$PGBIN/postgres" ]] || die "PostgreSQL 15 is not installed in $PGBIN (Debian package postgresql-15)"
  "$PGBIN/postgres" --version | grep -q ' 15\.' || die "expected PostgreSQL 15, found: $("$PGBIN/postgres" --version)"
  local ch; ch="$(dpkg-query -W -f='${Version}' clickhouse-server 2>/dev/null || true)"
  [[ "$ch" == 18.16.* ]] || die "expected clickhouse-server 18.16 (Debian package), found '${ch:-none}'"
  find_java
  local jv; jv="$("$JAVA" -version 2>&1 | head -1)"
  [[ "$jv" =~ \"17\. ]] || die "expected OpenJDK 17 ($JAVA -version says: $jv); TOTE_JAVA names another java binary"
  need curl curl
  need python3 python3
}

# ---------------------------------------------------------------- fetching the jars
pom_version() { sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$stack_files/$1/pom.xml" | head -1; }
pom_hash() { sha256sum "$stack_files/$1/pom.xml" | cut -c1-10; }
kafka_version() { pom_version kafka kafka.version; }
debezium_version() { pom_version debezium-postgres debezium.version; }
debezium_mariadb_version() { pom_version debezium-mariadb debezium.version; }
kafka_libs() { echo "$cache/kafka-$(kafka_version)-$(pom_hash kafka)/libs"; }
plugin_path() { echo "$cache/debezium-postgres-$(debezium_version)-$(pom_hash debezium-postgres)/plugins"; }
connect_mariadb_libs() { echo "$cache/kafka-connect-$(pom_version kafka-connect-mariadb kafka.version)-$(pom_hash kafka-connect-mariadb)/libs"; }
mariadb_plugin_path() { echo "$cache/debezium-mariadb-$(debezium_mariadb_version)-$(pom_hash debezium-mariadb)/plugins"; }

mvn_copy() {  # pom-folder output-dir [extra args]
  local what="$1" pom="$stack_files/$1/pom.xml" out="$2"; shift 2
  need mvn maven
  mkdir -p "$cache"
  local tmp="$out.tmp.$$" log="$cache/mvn-$what.log"
  rm -rf "$tmp"
  say "fetching $what ($(pom_version "$what" kafka.version)$(pom_version "$what" debezium.version)) from Maven Central into $out (first time only; log: $log)"
  if ! mvn -B -q --no-transfer-progress -s "$stack_files/settings.xml" -Dmaven.repo.local="$cache/m2" \
        -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" "$@" \
        >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$tmp"
    die "Maven could not fetch $pom (see $log): is Maven Central reachable? A version refused by the registry must be changed in that pom"
  fi
  mkdir -p "$(dirname "$out")"
  rm -rf "$out"; mv "$tmp" "$out"
}
fetch() {  # [mariadb]: the MariaDB connector's worker and plugin too
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock -w 600 9 || die "another process holds $cache/.lock for 10 minutes"
  local libs plugins
  libs="$(kafka_libs)"; plugins="$(plugin_path)"
  [[ -f "$libs/kafka_2.13-$(kafka_version).jar" ]] || mvn_copy kafka "$libs"
  # The worker provides Kafka's and SLF4J's classes: leave them out of the plugin.
  [[ -f "$plugins/debezium-connector-postgres/debezium-connector-postgres-$(debezium_version).jar" ]] ||
    mvn_copy debezium-postgres "$plugins/debezium-connector-postgres" -DexcludeGroupIds=org.apache.kafka,org.slf4j
  if [[ "${1:-}" == mariadb ]]; then
    libs="$(connect_mariadb_libs)"
    [[ -f "$libs/connect-runtime-$(pom_version kafka-connect-mariadb kafka.version).jar" ]] ||
      mvn_copy kafka-connect-mariadb "$libs"
    plugins="$(mariadb_plugin_path)"
    [[ -f "$plugins/debezium-connector-mariadb/debezium-connector-mariadb-$(debezium_mariadb_version).jar" ]] ||
      mvn_copy debezium-mariadb "$plugins/debezium-connector-mariadb" -DexcludeGroupIds=org.apache.kafka,org.slf4j
  fi
  exec 9>&-
}

# ---------------------------------------------------------------- processes
pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
# The pid in a pid file, if that process is alive and is still ours (a pid can be reused
# after a crash): its command line must mention our folder.
pid_of() {
  local f
  case "$1" in
    postgres) f="$dir/postgres/data/postmaster.pid" ;;
    clickhouse) f="$dir/clickhouse/server.pid" ;;
    kafka) f="$dir/kafka/kafka.pid" ;;
    connect) f="$dir/connect/connect.pid" ;;
    mariadb) f="$dir/mariadb/mariadb.pid" ;;
    connect-mariadb) f="$dir/connect-mariadb/connect-mariadb.pid" ;;
  esac
  [[ -f "$f" ]] || return 1
  local pid; pid="$(head -1 "$f" 2>/dev/null || true)"
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir" || return 1
  echo "$pid"
}
any_running() { local s; for s in "${services[@]}" "${optional_services[@]}"; do pid_of "$s" >/dev/null && return 0; done; return 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
log_of() {
  case "$1" in
    postgres) echo "$dir/postgres/postgres.log" ;;
    clickhouse) echo "$dir/clickhouse/log/clickhouse-server.log" ;;
    kafka) echo "$dir/kafka/kafka.log" ;;
    connect) echo "$dir/connect/connect.log" ;;
    mariadb) echo "$dir/mariadb/mariadb.log" ;;
    connect-mariadb) echo "$dir/connect-mariadb/connect.log" ;;
  esac
}
port_of() {
  case "$1" in
    postgres) echo "$PG_PORT" ;; clickhouse) echo "$CH_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;; connect) echo "$CONNECT_PORT" ;;
    mariadb) echo "$MARIA_PORT" ;; connect-mariadb) echo "$CONNECT_MARIADB_PORT" ;;
  esac
}

healthy() {
  case "$1" in
    postgres) "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 ;;
    clickhouse) curl -sf --max-time 1 "http://127.0.0.1:$CH_PORT/ping" 2>/dev/null | grep -q Ok ;;
    kafka) port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$dir/kafka/kafka.log" 2>/dev/null ;;
    connect) curl -sf --max-time 2 "http://127.0.0.1:$CONNECT_PORT/connector-plugins" 2>/dev/null |
               grep -q 'io.debezium.connector.postgresql.PostgresConnector' ;;
    connect-mariadb) curl -sf --max-time 2 "http://127.0.0.1:$CONNECT_MARIADB_PORT/connector-plugins" 2>/dev/null |
               grep -q 'io.debezium.connector.mariadb.MariaDbConnector' ;;
    mariadb) "$MARIADB_ADMIN" --no-defaults -h 127.0.0.1 -P "$MARIA_PORT" -u tote -ptote \
               --connect-timeout=1 ping >/dev/null 2>&1 ;;
  esac
}

what_to_do() {
  case "$1" in
    postgres) echo "check the log; if port $PG_PORT is taken set TOTE_PG_PORT; a damaged cluster: scripts/stack.sh down, remove $dir/postgres, up again (its data is lost)" ;;
    clickhouse) echo "check the log and $dir/clickhouse/log/stderr.log; if port $CH_PORT or $((CH_PORT + 1)) is taken set TOTE_CLICKHOUSE_PORT" ;;
    kafka) echo "check the log; if port $KAFKA_PORT or $CONTROLLER_PORT is taken set TOTE_KAFKA_PORT/TOTE_KAFKA_CONTROLLER_PORT; a damaged log folder: scripts/stack.sh down, remove $dir/kafka, up again (topics are lost)" ;;
    connect) echo "check the log (Kafka must be healthy first); if port $CONNECT_PORT is taken set TOTE_CONNECT_PORT; a missing plugin: remove $(dirname "$(plugin_path)") and run up again to fetch it" ;;
    connect-mariadb) echo "check the log (Kafka must be healthy first); if port $CONNECT_MARIADB_PORT is taken set TOTE_CONNECT_MARIADB_PORT; a missing plugin: remove $(dirname "$(mariadb_plugin_path)") and run up again to fetch it" ;;
    mariadb) echo "check the log; if port $MARIA_PORT is taken set TOTE_MARIADB_PORT; a damaged datadir: scripts/stack.sh down, remove $dir/mariadb, up mariadb again (its data is lost)" ;;
  esac
}

wait_healthy() {  # service pid start-seconds
  local svc="$1" pid="$2" start="$3" deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if healthy "$svc"; then
      local rss; rss="$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo '?')"
      say "$svc healthy on 127.0.0.1:$(port_of "$svc") (pid $pid) after $(elapsed "$start") s, RSS ${rss} MB"
      return 0
    fi
    if ! pid_alive "$pid"; then
      echo "stack: error: $svc exited during start-up. Log: $(log_of "$svc")" >&2
      tail -n 25 "$(log_of "$svc")" >&2 2>/dev/null || true
      echo "stack: what to do: $(what_to_do "$svc")" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "stack: error: $svc (pid $pid) not healthy within $timeout s. Log: $(log_of "$svc")" >&2
  tail -n 25 "$(log_of "$svc")" >&2 2>/dev/null || true
  echo "stack: what to do: $(what_to_do "$svc"); TOTE_STACK_TIMEOUT raises the wait" >&2
  exit 1
}
now_ms() { date +%s%3N; }
elapsed() { local d=$(( $(now_ms) - $1 )); printf '%d.%02d' $((d / 1000)) $(((d % 1000) / 10)); }

port_free_or_die() {  # service port
  if port_open "$2"; then
    die "$1: port $2 on 127.0.0.1 is already in use by another process; choose another with the TOTE_*_PORT variables (scripts/stack.sh --help)"
  fi
}

rotate_log() { [[ -f "$1" ]] && mv -f "$1" "$1.1"; return 0; }

write_log4j() {  # file
  cat >"$1" <<'EOF'
# Written by scripts/stack.sh: everything to stdout (redirected into the service's log file).
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.reflections.name = org.reflections
logger.reflections.level = error
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
logger.jetty.name = org.eclipse.jetty
logger.jetty.level = warn
EOF
}

java_opts() {  # heap log4j-file
  echo "-Xms64m -Xmx$1 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dlog4j2.configurationFile=$2"
}

# ---------------------------------------------------------------- PostgreSQL
start_postgres() {
  local d="$dir/postgres" pid
  if pid="$(pid_of postgres)"; then
    healthy postgres || die "postgres (pid $pid) runs but does not answer on port $PG_PORT: scripts/stack.sh down, then up"
    say "postgres already running (pid $pid, port $PG_PORT)"; return 0
  fi
  port_free_or_die postgres "$PG_PORT"
  mkdir -p "$d"; chmod 755 "$d"
  [[ ${#RUNAS[@]} -gt 0 ]] && chown postgres "$d"
  if [[ ! -f "$d/data/PG_VERSION" ]]; then
    say "postgres: initdb $d/data"
    rm -rf "$d/data"
    "${RUNAS[@]}" "$PGBIN/initdb" -D "$d/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
      >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; die "initdb failed (log: $d/initdb.log)"; }
    # Logical decoding for Debezium (pgoutput); a few slots for several connectors.
    "${RUNAS[@]}" tee -a "$d/data/postgresql.conf" >/dev/null <<'EOF'

# ---- added by scripts/stack.sh
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
EOF
  fi
  local start; start="$(now_ms)"
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$d/data" -l "$d/postgres.log" -w -t "$timeout" \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $d" start >/dev/null 2>&1 || {
      tail -n 25 "$d/postgres.log" >&2 2>/dev/null || true
      echo "stack: what to do: $(what_to_do postgres)" >&2
      die "postgres did not start (log: $d/postgres.log)"; }
  pid="$(pid_of postgres)" || die "postgres started but has no pid file (log: $d/postgres.log)"
  wait_healthy postgres "$pid" "$start"
  if [[ "$("$PSQL" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc \
          "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    "$PSQL" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE \"$PG_DATABASE\""
    say "postgres: created database $PG_DATABASE"
  fi
}
stop_postgres() {
  local pid
  if pid="$(pid_of postgres)"; then
    "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$dir/postgres/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      { kill -KILL "$pid" 2>/dev/null || true; }
    say "postgres stopped (pid $pid)"
  else
    say "postgres not running"
  fi
}

# ---------------------------------------------------------------- MariaDB 10.11
# Row-based binlog with full row images and GTIDs: what a CDC reader (Debezium's MariaDB
# connector, Maxwell) needs. Data, binlogs, socket, pid file and log under $dir/mariadb.
start_mariadb() {
  local d="$dir/mariadb" pid start
  if pid="$(pid_of mariadb)"; then
    healthy mariadb || die "mariadb (pid $pid) runs but does not answer on port $MARIA_PORT: scripts/stack.sh down, then up mariadb"
    say "mariadb already running (pid $pid, port $MARIA_PORT)"; return 0
  fi
  port_free_or_die mariadb "$MARIA_PORT"
  mkdir -p "$d/binlog" "$d/tmp"
  local user=(); [[ "$(id -u)" == 0 ]] && user=(--user=mysql)
  cat >"$d/my.cnf" <<EOF
# Written by scripts/stack.sh: MariaDB 10.11 on loopback for CDC.
[mariadbd]
datadir=$d/data
tmpdir=$d/tmp
socket=$d/mariadb.sock
pid-file=$d/mariadb.pid
log-error=$d/mariadb.log
port=$MARIA_PORT
bind-address=127.0.0.1
skip-name-resolve
server_id=1
log_bin=$d/binlog/mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
binlog_annotate_row_events=ON
gtid_domain_id=0
gtid_strict_mode=ON
binlog_expire_logs_seconds=604800
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
default_time_zone=+00:00
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
performance_schema=OFF
EOF
  if [[ ! -d "$d/data/mysql" ]]; then
    say "mariadb: mariadb-install-db $d/data"
    rm -rf "$d/data"
    [[ ${#user[@]} -gt 0 ]] && chown -R mysql:mysql "$d"
    mariadb-install-db --defaults-file="$d/my.cnf" "${user[@]}" --auth-root-authentication-method=socket \
      --skip-test-db >"$d/install-db.log" 2>&1 ||
      { tail -n 25 "$d/install-db.log" >&2; die "mariadb-install-db failed (log: $d/install-db.log)"; }
  fi
  [[ ${#user[@]} -gt 0 ]] && chown -R mysql:mysql "$d"
  rotate_log "$d/mariadb.log"
  start="$(now_ms)"
  setsid "$MARIADBD" --defaults-file="$d/my.cnf" "${user[@]}" >"$d/stdout.log" 2>&1 </dev/null &
  pid=$!
  # The server writes its pid file itself; wait for it (or for the server to exit).
  local deadline=$((SECONDS + timeout))
  while [[ ! -s "$d/mariadb.pid" ]] && pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  # Users and the database, over the socket as root (auth unix_socket), once per datadir.
  local w=0
  while ! "$MARIADB_ADMIN" --no-defaults -S "$d/mariadb.sock" -u root ping >/dev/null 2>&1; do
    pid_alive "$pid" || break
    ((w++ < timeout * 10)) || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    "$MARIADB_CLIENT" --no-defaults -S "$d/mariadb.sock" -u root <<EOF || die "mariadb: creating user tote and database $MARIA_DATABASE failed (log: $d/mariadb.log)"
CREATE USER IF NOT EXISTS 'tote'@'127.0.0.1' IDENTIFIED BY 'tote';
CREATE USER IF NOT EXISTS 'tote'@'localhost' IDENTIFIED BY 'tote';
GRANT ALL PRIVILEGES ON *.* TO 'tote'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'tote'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$MARIA_DATABASE\`;
EOF
  fi
  wait_healthy mariadb "$pid" "$start"
}
stop_mariadb() {
  local pid
  if pid="$(pid_of mariadb)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if pid_alive "$pid"; then
      echo "stack: mariadb (pid $pid) did not stop within 60 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "mariadb stopped (pid $pid)"
  else
    say "mariadb not running"
  fi
}

# ---------------------------------------------------------------- ClickHouse 18.16
start_clickhouse() {
  local d="$dir/clickhouse" pid start
  if pid="$(pid_of clickhouse)"; then
    healthy clickhouse || die "clickhouse (pid $pid) runs but does not answer on port $CH_PORT: scripts/stack.sh down, then up"
    say "clickhouse already running (pid $pid, port $CH_PORT)"; return 0
  fi
  port_free_or_die clickhouse "$CH_PORT"
  port_free_or_die clickhouse "$((CH_PORT + 1))"
  start="$(now_ms)"
  "$root/scripts/clickhouse18.sh" start "$d" "$CH_PORT" >/dev/null || {
    echo "stack: what to do: $(what_to_do clickhouse)" >&2
    die "clickhouse did not start (log: $(log_of clickhouse))"; }
  pid="$(pid_of clickhouse)" || die "clickhouse started but its pid file is missing"
  wait_healthy clickhouse "$pid" "$start"
}
stop_clickhouse() {
  if pid_of clickhouse >/dev/null; then
    "$root/scripts/clickhouse18.sh" stop "$dir/clickhouse" "$CH_PORT" | sed 's/^/stack: /'
  else
    rm -f "$dir/clickhouse/server.pid"; say "clickhouse not running"
  fi
}

# ---------------------------------------------------------------- Kafka broker (KRaft)
start_kafka() {
  local d="$dir/kafka" pid start libs
  if pid="$(pid_of kafka)"; then
    healthy kafka || die "kafka (pid $pid) runs but is not healthy on port $KAFKA_PORT: scripts/stack.sh down, then up"
    say "kafka already running (pid $pid, port $KAFKA_PORT)"; return 0
  fi
  port_free_or_die kafka "$KAFKA_PORT"
  port_free_or_die "kafka controller" "$CONTROLLER_PORT"
  libs="$(kafka_libs)"
  mkdir -p "$d/data"
  write_log4j "$d/log4j2.properties"
  cat >"$d/server.properties" <<EOF
# Written by scripts/stack.sh: a single-node KRaft broker on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$d/data
num.partitions=1
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
EOF
  local opts; opts="$(java_opts "${TOTE_KAFKA_HEAP:-512m}" "$d/log4j2.properties")"
  if [[ ! -f "$d/data/meta.properties" ]]; then
    local id
    write_log4j_quiet
    id="$("$JAVA" -Xmx256m -Dlog4j2.configurationFile="$dir/tools-log4j2.properties" -cp "$libs/*" \
            kafka.tools.StorageTool random-uuid 2>>"$d/format.log" | tail -n 1)" ||
      die "kafka: could not make a cluster id (log: $d/format.log)"
    [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka: StorageTool random-uuid printed '$id' (log: $d/format.log)"
    # shellcheck disable=SC2086
    "$JAVA" $opts -cp "$libs/*" kafka.tools.StorageTool format -t "$id" -c "$d/server.properties" \
      >>"$d/format.log" 2>&1 || { tail -n 20 "$d/format.log" >&2; die "kafka: formatting $d/data failed (log: $d/format.log)"; }
    say "kafka: formatted $d/data (cluster id $id)"
  fi
  rotate_log "$d/kafka.log"
  start="$(now_ms)"
  # shellcheck disable=SC2086
  setsid "$JAVA" $opts -Dkafka.logs.dir="$d" -cp "$libs/*" kafka.Kafka "$d/server.properties" \
    >"$d/kafka.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$d/kafka.pid"
  wait_healthy kafka "$pid" "$start"
}

# ---------------------------------------------------------------- Kafka Connect + Debezium
start_connect() { start_worker connect "$CONNECT_PORT" "$(kafka_libs)" "$(plugin_path)" tote-connect; }
# The MariaDB connector's own worker (Kafka Connect 4.1.1: stack/debezium-mariadb/pom.xml).
start_connect-mariadb() {
  start_worker connect-mariadb "$CONNECT_MARIADB_PORT" "$(connect_mariadb_libs)" "$(mariadb_plugin_path)" tote-connect-mariadb
}
start_worker() {  # service port libs plugin-path group
  local svc="$1" port="$2" libs="$3" plugins="$4" group="$5"
  local d="$dir/$svc" pid start
  if pid="$(pid_of "$svc")"; then
    healthy "$svc" || die "$svc (pid $pid) runs but is not healthy on port $port: scripts/stack.sh down, then up"
    say "$svc already running (pid $pid, port $port)"; return 0
  fi
  port_free_or_die "$svc" "$port"
  mkdir -p "$d"
  write_log4j "$d/log4j2.properties"
  cat >"$d/connect.properties" <<EOF
# Written by scripts/stack.sh: Kafka Connect in distributed mode, one worker, internal topics RF 1.
bootstrap.servers=127.0.0.1:$KAFKA_PORT
group.id=$group
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
config.storage.topic=$group-configs
offset.storage.topic=$group-offsets
status.storage.topic=$group-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=1
status.storage.partitions=1
offset.flush.interval.ms=5000
listeners=http://127.0.0.1:$port
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
plugin.path=$plugins
plugin.discovery=service_load
EOF
  rotate_log "$d/connect.log"
  local opts; opts="$(java_opts "${TOTE_CONNECT_HEAP:-512m}" "$d/log4j2.properties")"
  start="$(now_ms)"
  # shellcheck disable=SC2086
  setsid "$JAVA" $opts -cp "$libs/*" org.apache.kafka.connect.cli.ConnectDistributed "$d/connect.properties" \
    >"$d/connect.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$d/$svc.pid"
  wait_healthy "$svc" "$pid" "$start"
}

stop_java() {  # service
  local pid f="$dir/$1/$1.pid"
  if pid="$(pid_of "$1")"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if pid_alive "$pid"; then
      echo "stack: $1 (pid $pid) ignored SIGTERM for 30 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "$1 stopped (pid $pid)"
  else
    say "$1 not running"
  fi
  rm -f "$f"
}

# ---------------------------------------------------------------- connectors
# The worker a connector command talks to: the PostgreSQL one unless CONNECT_URL says otherwise.
connect_url() { echo "${CONNECT_URL:-http://127.0.0.1:$CONNECT_PORT}"; }

register_connector() {  # NAME DATABASE [PREFIX] [key=value ...]
  [[ $# -ge 2 ]] || die "usage: scripts/stack.sh connector NAME DATABASE [PREFIX] [key=value ...]"
  local name="$1" db="$2" prefix="$1"; shift 2
  if [[ $# -gt 0 && "$1" != *=* ]]; then prefix="$1"; shift; fi
  [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || die "connector name '$name': use letters, digits and _ (it names the replication slot)"
  healthy connect || die "Kafka Connect is not healthy on port $CONNECT_PORT: scripts/stack.sh up (log: $(log_of connect))"
  healthy postgres || die "PostgreSQL is not healthy on port $PG_PORT: scripts/stack.sh up (log: $(log_of postgres))"
  local slot; slot="$(tr '[:upper:]' '[:lower:]' <<<"tote_$name")"
  local body
  body="$(python3 - "$name" "$db" "$prefix" "$slot" "$PG_PORT" "${TOTE_CONNECT_SCHEMAS:-true}" \
            "${TOTE_DECIMAL_MODE:-string}" "$@" <<'PY'
import json, sys
name, db, prefix, slot, port, schemas, decimal = sys.argv[1:8]
cfg = {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
    "tasks.max": "1",
    "database.hostname": "127.0.0.1",
    "database.port": port,
    "database.user": "postgres",
    "database.password": "",
    "database.dbname": db,
    "topic.prefix": prefix,
    # What tote needs (docs/operations.md, "Deployed stack"):
    "plugin.name": "pgoutput",
    "slot.name": slot,
    "publication.name": slot,
    "publication.autocreate.mode": "filtered",
    "provide.transaction.metadata": "true",   # BEGIN/END on <prefix>.transaction
    "skipped.operations": "none",             # truncates arrive as op 't'
    "decimal.handling.mode": decimal,         # string: exact with schemas on or off
    "tombstones.on.delete": "true",
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": schemas,
    "value.converter.schemas.enable": schemas,
}
for kv in sys.argv[8:]:
    k, _, v = kv.partition("=")
    cfg[k] = v
if cfg["decimal.handling.mode"] == "double":
    sys.exit("decimal.handling.mode=double loses money digits: tote dead-letters such values; use string or precise")
print(json.dumps(cfg))
PY
)" || die "bad connector settings"
  pg_slot_ready() {
    # The replication slot must exist too: changes committed after it are kept for Debezium.
    [[ "$("$PSQL" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -Atc \
            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$slot'" 2>/dev/null)" == 1 ]]
  }
  put_connector "$name" "$body" pg_slot_ready \
    "database $db, slot $slot, topics $prefix.<schema>.<table> and $prefix.transaction"
}

# PUT a connector's configuration, then wait until it and its task are RUNNING and `ready`
# (a command) succeeds; prints the configuration.
put_connector() {  # NAME BODY READY-COMMAND WHAT
  local name="$1" body="$2" ready="$3" what="$4"
  local url; url="$(connect_url)/connectors/$name/config"
  local code="" tries=0
  # Connect answers 409 while its workers rebalance: bounded retries.
  while ((tries < 30)); do
    code="$(curl -s -o "$dir/connector-put.out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
              --max-time 30 --data "$body" "$url" || echo 000)"
    [[ "$code" == 200 || "$code" == 201 ]] && break
    [[ "$code" == 409 || "$code" == 000 ]] || break
    tries=$((tries + 1)); sleep 0.5
  done
  if [[ "$code" != 200 && "$code" != 201 ]]; then
    cat "$dir/connector-put.out" >&2 2>/dev/null || true; echo >&2
    die "Kafka Connect refused connector $name (HTTP $code). Log: ${CONNECT_LOG:-$(log_of connect)}"
  fi
  if [[ "$code" == 200 ]]; then
    # An update: restart connector and task now, so the RUNNING below is the new configuration's
    # (not the old task's state before Connect gets round to restarting it).
    curl -s -o /dev/null --max-time 30 -X POST \
      "$(connect_url)/connectors/$name/restart?includeTasks=true&onlyFailed=false" || true
    say "connector $name updated and restarted; waiting for RUNNING"
  else
    say "connector $name registered (HTTP $code); waiting for RUNNING"
  fi
  local deadline=$((SECONDS + timeout)) state=""
  while ((SECONDS < deadline)); do
    state="$(curl -sf --max-time 5 "$(connect_url)/connectors/$name/status" 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
tasks = s.get("tasks", [])
states = [s["connector"]["state"]] + [t["state"] for t in tasks]
if any(x == "FAILED" for x in states):
    print("FAILED")
    for t in [s["connector"]] + tasks:
        if t.get("trace"): print(t["trace"][:2000])
elif tasks and all(x == "RUNNING" for x in states):
    print("RUNNING")
else:
    print(" ".join(states))' 2>/dev/null || true)"
    if [[ "$state" == RUNNING ]]; then
      # Connector-specific readiness (PostgreSQL: the replication slot exists).
      "$ready" && break
    fi
    if [[ "$state" == FAILED* ]]; then
      echo "$state" >&2
      die "connector $name FAILED (above; log: ${CONNECT_LOG:-$(log_of connect)}). Fix the cause, then: scripts/stack.sh connector-delete $name; scripts/stack.sh connector ..."
    fi
    sleep 0.3
  done
  [[ "$state" == RUNNING ]] || die "connector $name not RUNNING within $timeout s (state: ${state:-unknown}; log: ${CONNECT_LOG:-$(log_of connect)})"
  say "connector $name RUNNING: $what"
  curl -sf "$(connect_url)/connectors/$name/config" | python3 -c '
import json, sys
for k, v in sorted(json.load(sys.stdin).items()):
    print(f"  {k} = {v}")'
}

# Debezium's MariaDB connector. One ordered topic: every table, the transaction
# metadata and the schema changes go through one RegexRouter into <prefix>.all, because tote
# lands a transaction from its BEGIN, changes and END read in one order.
register_mariadb_connector() {  # NAME DATABASE [PREFIX] [key=value ...]
  [[ $# -ge 2 ]] || die "usage: scripts/stack.sh connector-mariadb NAME DATABASE [PREFIX] [key=value ...]"
  local name="$1" db="$2" prefix="$1"; shift 2
  if [[ $# -gt 0 && "$1" != *=* ]]; then prefix="$1"; shift; fi
  [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || die "connector name '$name': use letters, digits and _"
  [[ "$prefix" =~ ^[A-Za-z0-9_]+$ ]] || die "topic prefix '$prefix': use letters, digits and _"
  healthy connect-mariadb || die "the MariaDB connector's Kafka Connect worker is not healthy on port $CONNECT_MARIADB_PORT: scripts/stack.sh up kafka mariadb connect-mariadb (log: $(log_of connect-mariadb))"
  healthy mariadb || die "MariaDB is not healthy on port $MARIA_PORT: scripts/stack.sh up mariadb (log: $(log_of mariadb))"
  local body
  body="$(python3 - "$name" "$db" "$prefix" "$MARIA_PORT" "$KAFKA_PORT" "${TOTE_CONNECT_SCHEMAS:-true}" \
            "${TOTE_DECIMAL_MODE:-string}" "$@" <<'PY'
import json, sys, zlib
name, db, prefix, port, kafka, schemas, decimal = sys.argv[1:8]
cfg = {
    "connector.class": "io.debezium.connector.mariadb.MariaDbConnector",
    "tasks.max": "1",
    "database.hostname": "127.0.0.1",
    "database.port": port,
    "database.user": "tote",
    "database.password": "tote",
    # A replication client id of its own, stable per connector name.
    "database.server.id": str(5400 + zlib.crc32(name.encode()) % 100000),
    "database.include.list": db,
    "topic.prefix": prefix,
    "snapshot.mode": "initial",
    "schema.history.internal.kafka.bootstrap.servers": "127.0.0.1:" + kafka,
    "schema.history.internal.kafka.topic": "_tote_schema_history." + name,
    # What tote needs (docs/operations.md, "MariaDB"):
    "provide.transaction.metadata": "true",   # BEGIN/END with the GTID as id
    "include.schema.changes": "true",         # DDL events on <prefix>
    "skipped.operations": "none",             # truncates arrive as op 't'
    "decimal.handling.mode": decimal,         # string: exact with schemas on or off
    "tombstones.on.delete": "true",
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": schemas,
    "value.converter.schemas.enable": schemas,
    "transforms": "route",
    "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
    "transforms.route.regex": prefix + r"(\..*)?",
    "transforms.route.replacement": prefix + ".all",
}
for kv in sys.argv[8:]:
    k, _, v = kv.partition("=")
    if v == "":
        cfg.pop(k, None)
    else:
        cfg[k] = v
if cfg["decimal.handling.mode"] == "double":
    sys.exit("decimal.handling.mode=double loses money digits: tote dead-letters such values; use string or precise")
print(json.dumps(cfg))
PY
)" || die "bad connector settings"
  # Ready once it streams: after its snapshot the connector reads the binlog as a replica
  # (a "Binlog Dump" thread of user tote in the server's process list).
  maria_ready() {
    [[ "$("$MARIADB_CLIENT" --no-defaults -h 127.0.0.1 -P "$MARIA_PORT" -u tote -ptote -N -e \
            "SELECT count(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = 'tote'" \
            2>/dev/null)" -ge 1 ]]
  }
  CONNECT_URL="http://127.0.0.1:$CONNECT_MARIADB_PORT" CONNECT_LOG="$(log_of connect-mariadb)" put_connector "$name" "$body" maria_ready \
    "database $db on MariaDB 127.0.0.1:$MARIA_PORT; tables, BEGIN/END and DDL routed into $prefix.all (a setting given as key= is removed, e.g. transforms= for a topic per table)"
}

delete_connector() {
  [[ $# -eq 1 ]] || die "usage: scripts/stack.sh connector-delete NAME"
  local code; code="$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$(connect_url)/connectors/$1" || echo 000)"
  case "$code" in
    204) say "connector $1 deleted (its replication slot tote_$1 stays: drop it with pg_drop_replication_slot when no longer needed)" ;;
    404) say "connector $1 does not exist" ;;
    *) die "deleting connector $1: HTTP $code (is Connect up? scripts/stack.sh status)" ;;
  esac
}

# ---------------------------------------------------------------- commands
cmd_up() {
  check_versions
  mkdir -p "$dir"; chmod 755 "$dir"
  if [[ " $* " == *" connect-mariadb "* ]]; then fetch mariadb; else fetch; fi
  save_ports  # before starting: `down` and `status` find the ports even if a start fails
  trap 'rc=$?; ((rc == 0)) || echo "stack: up failed; services that did start keep running: scripts/stack.sh status shows them, scripts/stack.sh down stops them" >&2' EXIT
  local t0 s want=("$@")
  ((${#want[@]})) || want=("${services[@]}")
  for s in "${want[@]}"; do
    [[ " ${services[*]} ${optional_services[*]} " == *" $s "* ]] || die "unknown service '$s' (postgres, clickhouse, kafka, connect, mariadb, connect-mariadb)"
  done
  [[ " ${want[*]} " != *" mariadb "* ]] || check_mariadb_version
  [[ " ${want[*]} " != *" connect "* || " ${want[*]} " == *" kafka "* ]] || pid_of kafka >/dev/null ||
    die "connect needs kafka: scripts/stack.sh up kafka connect"
  [[ " ${want[*]} " != *" connect-mariadb "* || " ${want[*]} " == *" kafka "* ]] || pid_of kafka >/dev/null ||
    die "connect-mariadb needs kafka: scripts/stack.sh up kafka mariadb connect-mariadb"
  t0="$(now_ms)"
  for s in "${services[@]}" "${optional_services[@]}"; do
    if [[ " ${want[*]} " == *" $s "* ]]; then "start_$s"; fi
  done
  say "up in $(elapsed "$t0") s (Debezium $(debezium_version), Debezium MariaDB $(debezium_mariadb_version), Kafka $(kafka_version)); data and logs in $dir"
}
cmd_down() {
  if (($#)); then  # only the services named, in the order given
    local s
    for s in "$@"; do
      case "$s" in
        postgres) stop_postgres ;; clickhouse) stop_clickhouse ;; mariadb) stop_mariadb ;;
        kafka | connect | connect-mariadb) stop_java "$s" ;;
        *) die "unknown service '$s' (postgres, clickhouse, kafka, connect, mariadb, connect-mariadb)" ;;
      esac
    done
    return 0
  fi
  if [[ -d "$dir/connect-mariadb" ]]; then stop_java connect-mariadb; fi
  if [[ -d "$dir/mariadb" ]]; then stop_mariadb; fi
  stop_java connect
  stop_java kafka
  stop_clickhouse
  stop_postgres
}
cmd_status() {
  local s pid bad=0 rss shown=("${services[@]}")
  [[ -d "$dir/mariadb" ]] && shown+=(mariadb)
  [[ -d "$dir/connect-mariadb" ]] && shown+=(connect-mariadb)
  printf '%-15s %-6s %-8s %-9s %s\n' service port pid health log
  for s in "${shown[@]}"; do
    if pid="$(pid_of "$s")"; then
      rss="$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo '?')"
      if healthy "$s"; then
        printf '%-15s %-6s %-8s %-9s %s\n' "$s" "$(port_of "$s")" "$pid" "healthy" "$(log_of "$s") (RSS ${rss} MB)"
      else
        printf '%-15s %-6s %-8s %-9s %s\n' "$s" "$(port_of "$s")" "$pid" "UNHEALTHY" "$(log_of "$s")"; bad=1
      fi
    else
      printf '%-15s %-6s %-8s %-9s %s\n' "$s" "$(port_of "$s")" "-" "stopped" "$(log_of "$s")"; bad=1
    fi
  done
  return $bad
}
cmd_env() {
  cat <<EOF
TOTE_STACK_PG_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE
TOTE_STACK_KAFKA=127.0.0.1:$KAFKA_PORT
TOTE_STACK_CONNECT=$(connect_url)
TOTE_STACK_CLICKHOUSE_URL=http://127.0.0.1:$CH_PORT
TOTE_STACK_KAFKA_LIBS=$(kafka_libs)
TOTE_STACK_CONNECT_MARIADB=http://127.0.0.1:$CONNECT_MARIADB_PORT
TOTE_STACK_MARIADB_URL=mysql://tote:tote@127.0.0.1:$MARIA_PORT/$MARIA_DATABASE
EOF
}
cmd_logs() {
  local s="${1:-}" n="${2:-50}"
  if [[ -z "$s" ]]; then
    for s in "${services[@]}"; do echo "== $s: $(log_of "$s")"; tail -n 10 "$(log_of "$s")" 2>/dev/null || echo "(no log yet)"; done
  else
    [[ " ${services[*]} ${optional_services[*]} " == *" $s "* ]] || die "unknown service '$s' (postgres, clickhouse, kafka, connect, mariadb)"
    tail -n "$n" "$(log_of "$s")"
  fi
}
kafka_tool() {  # main-class args...
  local libs; libs="$(kafka_libs)"
  [[ -d "$libs" ]] || die "the Kafka jars are not fetched yet: scripts/stack.sh fetch"
  write_log4j_quiet
  find_java
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$dir/tools-log4j2.properties" -cp "$libs/*" "$@"
}
write_log4j_quiet() {
  mkdir -p "$dir"
  printf '%s\n' 'status = error' 'appender.err.type = Console' 'appender.err.name = err' \
    'appender.err.target = SYSTEM_ERR' 'appender.err.layout.type = PatternLayout' \
    'appender.err.layout.pattern = %p %m%n' 'rootLogger.level = warn' 'rootLogger.appenderRef.err.ref = err' \
    >"$dir/tools-log4j2.properties"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

cmd="${1:-}"; shift || true
case "$cmd" in
  up) load_ports; cmd_up "$@" ;;
  down) load_ports; cmd_down "$@" ;;
  kill)  # a crash, for fault tests: SIGKILL, no clean shutdown; `up SERVICE` starts it again
    load_ports
    [[ $# -eq 1 ]] || die "usage: scripts/stack.sh kill SERVICE"
    if pid="$(pid_of "$1")"; then
      kill -KILL "$pid"; while pid_alive "$pid"; do sleep 0.1; done; say "$1 killed (pid $pid)"
    else
      say "$1 not running"
    fi ;;
  status) load_ports; cmd_status ;;
  logs) load_ports; cmd_logs "$@" ;;
  env) load_ports; cmd_env ;;
  fetch) fetch mariadb; say "jars in $(kafka_libs), $(plugin_path) and $(mariadb_plugin_path)" ;;
  connector) load_ports; register_connector "$@" ;;
  connector-mariadb) load_ports; register_mariadb_connector "$@" ;;
  connector-mariadb-delete) load_ports; CONNECT_URL="http://127.0.0.1:$CONNECT_MARIADB_PORT" delete_connector "$@" ;;
  connector-delete) load_ports; delete_connector "$@" ;;
  kafka-end-offset)
    load_ports
    [[ $# -eq 1 ]] || die "usage: scripts/stack.sh kafka-end-offset TOPIC"
    kafka_tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "127.0.0.1:$KAFKA_PORT" --topic "$1" |
      awk -F: '{ n += $3 } END { print n + 0 }' ;;
  topics) load_ports; kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list ;;
  consume)
    load_ports
    [[ $# -ge 1 ]] || die "usage: scripts/stack.sh consume TOPIC_REGEX [console consumer args...]"
    re="$1"; shift
    kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
      --include "$re" --from-beginning --formatter-property print.key=true "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
