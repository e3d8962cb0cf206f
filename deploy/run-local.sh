#!/usr/bin/env bash
# run-local.sh: the topology of deploy/compose.yaml as plain processes on
# loopback, no containers: a throwaway PostgreSQL, Redis, three pairpadd in
# cluster mode and HAProxy in front of them (with deploy/haproxy.cfg).
# Run deploy/run-local.sh --help for the commands.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prog=run-local.sh
daemons=(1 2 3)

usage() {
  cat <<EOF
Usage: deploy/run-local.sh COMMAND DIR [N] [--build BUILD_DIR]

Runs three pairpadd in cluster mode behind HAProxy, with PostgreSQL and
Redis, as processes on 127.0.0.1. DIR holds the state: the database,
cluster.env (the ports and paths every later command reuses), the
generated haproxy.cfg, NAME.pid and NAME.log for every part.

Commands:
  start DIR          start everything, wait until each part answers, print
                     the URLs (fails, and stops what it started, if a part
                     does not come up)
  stop DIR           stop everything (daemons with SIGTERM, waiting for their
                     clean exit), tolerating parts already dead; removes the
                     database and cluster.env, keeps the logs
  status DIR         each part's state and the balancer's view of the
                     daemons; exit status 0 only when everything is up
  kill-daemon DIR N  kill -9 pairpadd-N (a crash)
  stop-daemon DIR N  stop pairpadd-N cleanly (SIGTERM)
  start-daemon DIR N start pairpadd-N again, wait until it and the balancer
                     count it as up
  stop-redis DIR     stop Redis              start-redis DIR     start it again
  stop-postgres DIR  stop PostgreSQL         start-postgres DIR  start it again
                     (same data directory, same port)

Options:
  --build BUILD_DIR  build directory holding src/daemon/pairpadd (default:
                     build); for start and start-daemon
  -h, --help         show this help

Environment (read by start, then kept in DIR/cluster.env):
  PP_CLUSTER_PORT         the balancer's port (default 8100)
  PP_CLUSTER_DAEMON_PORT  pairpadd-1's port; pairpadd-N listens on this + N-1
                          (default 8101, so 8101-8103)
  PP_CLUSTER_STATS_PORT   HAProxy's stats page, /stats and /metrics (default 8104)
  PP_CLUSTER_REDIS_PORT   Redis (default 16379)
  PP_CLUSTER_PG_PORT      PostgreSQL (default 54390)
  PP_CLUSTER_WEB_ROOT     the browser client (default frontend/dist; build it
                          with make web)
  PP_CLUSTER_DAEMON_ARGS  more pairpadd options for every daemon, split on
                          spaces (e.g. "--max-connections-per-address 1000")
The daemons read DIR/pairpadd.conf (empty) instead of the user's config
file; PAIRPAD_* variables of the environment still apply.
EOF
}

die() {
  echo "$prog: $*" >&2
  exit 1
}

note() {
  echo "$prog: $*" >&2
}

# ---- arguments --------------------------------------------------------------

cmd=${1:-}
case "$cmd" in
  -h | --help | help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
shift
dir="" num="" build_arg=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --build) [ $# -ge 2 ] || die "--build needs a directory"; build_arg=$2; shift 2 ;;
    --build=*) build_arg=${1#--build=}; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *)
      if [ -z "$dir" ]; then dir=$1
      elif [ -z "$num" ]; then num=$1
      else die "too many arguments (see --help)"
      fi
      shift ;;
  esac
done
[ -n "$dir" ] || die "$cmd needs a state directory DIR (see --help)"
# Absolute: the pid checks compare it with the parts' command lines.
[ ! -d "$dir" ] || dir=$(cd "$dir" && pwd)

case "$cmd" in
  kill-daemon | stop-daemon | start-daemon)
    case "$num" in
      1 | 2 | 3) ;;
      "") die "$cmd needs a daemon number, 1 to 3" ;;
      *) die "no daemon '$num': daemons are numbered 1 to 3" ;;
    esac ;;
  start | stop | status | stop-redis | start-redis | stop-postgres | start-postgres)
    [ -z "$num" ] || die "$cmd takes no daemon number" ;;
  *) die "unknown command '$cmd' (see --help)" ;;
esac
case "$cmd" in
  start | start-daemon) ;;
  *) [ -z "$build_arg" ] || die "--build only applies to start and start-daemon" ;;
esac

# ---- helpers ----------------------------------------------------------------

# Whether process $1 runs. A zombie does not count: a child that died during
# `start` stays one until this script exits.
pid_alive() {
  local state
  [ -n "${1:-}" ] || return 1
  state=$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The pid recorded for part $1, if that process still runs and is that
# part (its command line is checked, in case the pid was reused).
running_pid() {
  local pid cmdline
  pid=$(head -n 1 "$dir/$1.pid" 2>/dev/null) || return 1
  pid_alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  case "$1" in
    pairpadd-*)
      [[ "$cmdline" == *"--config $dir/pairpadd.conf "* ]] &&
        [[ "$cmdline" == *"--node-name $1 "* ]] || return 1 ;;
    haproxy) [[ "$cmdline" == *"$dir/haproxy.cfg"* ]] || return 1 ;;
    redis) [[ "$cmdline" == redis-server* ]] || return 1 ;;
  esac
  echo "$pid"
}

postgres_pid() {
  local pid
  pid=$(head -n 1 "$dir/postgres/data/postmaster.pid" 2>/dev/null) || return 1
  pid_alive "$pid" && echo "$pid"
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts "$@" detached from the terminal (no SIGHUP or Ctrl-C from it),
# logging to DIR/$1.log and recording its pid in DIR/$1.pid. setsid does not
# fork here (a background job of a script leads no process group), so $! is
# the process itself. fd 9, the lock, is not inherited.
spawn() {
  local name=$1
  shift
  printf '\n--- %s: %s started %s ---\n' "$prog" "$name" "$(date '+%F %T')" >>"$dir/$name.log"
  setsid "$@" >>"$dir/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/$name.pid"
}

# Sends SIGTERM to part $1 if it runs.
signal_part() {
  local pid
  if pid=$(running_pid "$1"); then
    kill -TERM "$pid" 2>/dev/null || true
  fi
}

# Stops part $1: SIGTERM (unless $3 is "signalled": sent already), up to $2
# seconds for it to exit, then a second SIGTERM (pairpadd then exits at
# once) and 5 s more, then SIGKILL.
stop_part() {
  local name=$1 timeout=$2 pid i
  if ! pid=$(running_pid "$name"); then
    if [ "${3:-}" = signalled ]; then note "$name stopped"; else note "$name is not running"; fi
    rm -f "$dir/$name.pid"
    return 0
  fi
  [ "${3:-}" = signalled ] || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    note "$name did not stop within ${timeout}s; SIGTERM again"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
  fi
  if pid_alive "$pid"; then
    note "$name still runs; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$dir/$name.pid"
  note "$name stopped"
}

log_tail() {
  echo "--- last lines of $dir/$1.log ---" >&2
  tail -n 15 "$dir/$1.log" >&2 || true
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
}

# HAProxy's view of one daemon ("UP", "DOWN", "UP 1/2", …), from its stats.
balancer_state() {
  curl -s --max-time 2 "http://127.0.0.1:$PP_STATS_PORT/stats;csv" 2>/dev/null |
    awk -F, -v s="pairpadd-$1" '$1 == "pairpadd" && $2 == s { print $18 }'
}

# tests/postgres.sh, without the lock: the server would hold it forever.
pg_script() {
  "$top/tests/postgres.sh" "$@" 9>&-
}

load_env() {
  [ -f "$dir/cluster.env" ] || die "$dir holds no cluster (no cluster.env): run start first"
  # shellcheck source=/dev/null
  . "$dir/cluster.env"
}

daemon_port() {
  echo $((PP_DAEMON_PORT + $1 - 1))
}

# ---- the parts --------------------------------------------------------------

start_postgres_fresh() {
  local url
  # As root the server runs as the postgres user, who must reach DIR/postgres.
  if [ "$(id -u)" -eq 0 ]; then
    chmod a+x "$dir"
    runuser -u postgres -- test -x "$dir" ||
      die "the postgres user cannot reach $dir (a parent directory is private); pick another DIR"
  fi
  url=$(pg_script start "$dir/postgres" "$PP_PG_PORT") ||
    die "PostgreSQL did not start; see $dir/postgres/server.log"
  psql -q -X "$url" -c "CREATE DATABASE pairpad" >/dev/null ||
    die "could not create the pairpad database"
  note "postgresql ready on port $PP_PG_PORT"
}

start_postgres_again() {
  if postgres_pid >/dev/null; then
    note "postgresql is already running"
    return 0
  fi
  [ -d "$dir/postgres/data" ] || die "no PostgreSQL data in $dir/postgres"
  pg_script start-server "$dir/postgres" "$PP_PG_PORT" ||
    die "PostgreSQL did not start; see $dir/postgres/server.log"
  note "postgresql ready on port $PP_PG_PORT"
}

stop_postgres() {
  if ! postgres_pid >/dev/null; then
    note "postgresql is not running"
    return 0
  fi
  pg_script stop-server "$dir/postgres" || die "PostgreSQL did not stop"
  note "postgresql stopped"
}

start_redis() {
  local i
  if running_pid redis >/dev/null; then
    note "redis is already running"
    return 0
  fi
  port_busy "$PP_REDIS_PORT" && die "port $PP_REDIS_PORT (redis) is taken by another process"
  # Pub/sub only: nothing to persist.
  spawn redis redis-server --port "$PP_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$dir"
  for ((i = 0; i < 100; i++)); do
    if [ "$(redis-cli -p "$PP_REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
      note "redis ready on port $PP_REDIS_PORT"
      return 0
    fi
    running_pid redis >/dev/null || { log_tail redis; die "redis exited"; }
    sleep 0.1
  done
  log_tail redis
  die "redis did not answer PING within 10s"
}

# Starts pairpadd-$1 without waiting.
spawn_daemon() {
  local n=$1 port
  port=$(daemon_port "$n")
  if running_pid "pairpadd-$n" >/dev/null; then
    die "pairpadd-$n is already running"
  fi
  port_busy "$port" && die "port $port (pairpadd-$n) is taken by another process"
  # shellcheck disable=SC2086 # PP_DAEMON_ARGS is split on purpose
  spawn "pairpadd-$n" "$PP_BUILD/src/daemon/pairpadd" \
    --config "$dir/pairpadd.conf" \
    --cluster "redis://127.0.0.1:$PP_REDIS_PORT" \
    --node-name "pairpadd-$n" \
    --database "$PP_DB_URL" \
    --address 127.0.0.1 --port "$port" \
    --web-root "$PP_WEB_ROOT" \
    --trusted-proxy 127.0.0.1 \
    $PP_DAEMON_ARGS
}

# Waits until pairpadd-$1 answers 200 on /healthz ("ok" or "degraded").
wait_daemon() {
  local n=$1 port i
  port=$(daemon_port "$n")
  for ((i = 0; i < 300; i++)); do
    if [ "$(http_status "http://127.0.0.1:$port/healthz")" = 200 ]; then
      note "pairpadd-$n ready on port $port"
      return 0
    fi
    running_pid "pairpadd-$n" >/dev/null || { log_tail "pairpadd-$n"; die "pairpadd-$n exited"; }
    sleep 0.1
  done
  log_tail "pairpadd-$n"
  die "pairpadd-$n did not answer /healthz with 200 within 30s"
}

# Waits until HAProxy counts pairpadd-$1 as up (two good checks, 2 s apart).
wait_balancer_sees() {
  local n=$1 i
  running_pid haproxy >/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    [ "$(balancer_state "$n")" = UP ] && return 0
    running_pid haproxy >/dev/null || { log_tail haproxy; die "haproxy exited"; }
    sleep 0.2
  done
  die "the balancer does not count pairpadd-$n as up after 30s (see $dir/haproxy.log)"
}

start_haproxy() {
  local i n
  port_busy "$PP_LB_PORT" && die "port $PP_LB_PORT (balancer) is taken by another process"
  port_busy "$PP_STATS_PORT" && die "port $PP_STATS_PORT (balancer stats) is taken by another process"
  # A copy, so that editing deploy/haproxy.cfg does not change a running cluster.
  cp "$top/deploy/haproxy.cfg" "$dir/haproxy.cfg"
  env PAIRPAD_LB_BIND="127.0.0.1:$PP_LB_PORT" \
    PAIRPAD_LB_STATS_BIND="127.0.0.1:$PP_STATS_PORT" \
    PAIRPAD_LB_SERVER_1="127.0.0.1:$(daemon_port 1)" \
    PAIRPAD_LB_SERVER_2="127.0.0.1:$(daemon_port 2)" \
    PAIRPAD_LB_SERVER_3="127.0.0.1:$(daemon_port 3)" \
    haproxy -c -q -f "$dir/haproxy.cfg" >>"$dir/haproxy.log" 2>&1 ||
    { log_tail haproxy; die "HAProxy refuses $dir/haproxy.cfg"; }
  spawn haproxy env PAIRPAD_LB_BIND="127.0.0.1:$PP_LB_PORT" \
    PAIRPAD_LB_STATS_BIND="127.0.0.1:$PP_STATS_PORT" \
    PAIRPAD_LB_SERVER_1="127.0.0.1:$(daemon_port 1)" \
    PAIRPAD_LB_SERVER_2="127.0.0.1:$(daemon_port 2)" \
    PAIRPAD_LB_SERVER_3="127.0.0.1:$(daemon_port 3)" \
    haproxy -db -f "$dir/haproxy.cfg"
  for n in "${daemons[@]}"; do
    wait_balancer_sees "$n"
  done
  for ((i = 0; i < 50; i++)); do
    if [ "$(http_status "http://127.0.0.1:$PP_LB_PORT/healthz")" = 200 ]; then
      note "balancer ready on port $PP_LB_PORT"
      return 0
    fi
    sleep 0.1
  done
  log_tail haproxy
  die "no answer through the balancer on port $PP_LB_PORT"
}

resolve_build() {
  local b=${build_arg:-$top/build}
  [ -x "$b/src/daemon/pairpadd" ] ||
    die "no $b/src/daemon/pairpadd: build it with ninja -C $b (or pass --build)"
  (cd "$b" && pwd)
}

# ---- commands ---------------------------------------------------------------

do_stop() {
  local n running
  if [ ! -d "$dir" ]; then
    note "no directory $dir: nothing to stop"
    return 0
  fi
  stop_part haproxy 5
  # The daemons stop in parallel: SIGTERM to each, then the waits.
  running=()
  for n in "${daemons[@]}"; do
    if running_pid "pairpadd-$n" >/dev/null; then
      signal_part "pairpadd-$n"
      running+=("$n")
    else
      stop_part "pairpadd-$n" 0
    fi
  done
  for n in "${running[@]}"; do
    stop_part "pairpadd-$n" 20 signalled
  done
  stop_part redis 5
  if [ -d "$dir/postgres" ]; then
    pg_script stop "$dir/postgres"
    note "postgresql stopped and removed"
  fi
  rm -f "$dir/cluster.env"
}

on_start_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    note "start failed; stopping what was started"
    do_stop || true
  fi
}

do_start() {
  local n build port
  for t in curl haproxy redis-server redis-cli psql setsid; do
    command -v "$t" >/dev/null || die "$t is missing (build-aux/install-deps.sh --tests installs it)"
  done
  build=$(resolve_build)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  exec 9>"$dir/.lock"
  flock -n 9 || die "another $prog is working on $dir"
  if [ -e "$dir/cluster.env" ] || [ -e "$dir/postgres" ]; then
    die "$dir already holds a cluster: run $prog stop $dir first"
  fi

  PP_BUILD=$build
  PP_LB_PORT=${PP_CLUSTER_PORT:-8100}
  PP_DAEMON_PORT=${PP_CLUSTER_DAEMON_PORT:-8101}
  PP_STATS_PORT=${PP_CLUSTER_STATS_PORT:-8104}
  PP_REDIS_PORT=${PP_CLUSTER_REDIS_PORT:-16379}
  PP_PG_PORT=${PP_CLUSTER_PG_PORT:-54390}
  PP_WEB_ROOT=${PP_CLUSTER_WEB_ROOT:-$top/frontend/dist}
  PP_DAEMON_ARGS=${PP_CLUSTER_DAEMON_ARGS:-}
  PP_DB_URL="postgresql://postgres@127.0.0.1:$PP_PG_PORT/pairpad"
  for port in "$PP_LB_PORT" "$PP_DAEMON_PORT" "$PP_STATS_PORT" "$PP_REDIS_PORT" "$PP_PG_PORT"; do
    case "$port" in
      '' | *[!0-9]*) die "not a port number: '$port'" ;;
    esac
  done
  [ -f "$PP_WEB_ROOT/index.html" ] ||
    die "no browser client in $PP_WEB_ROOT: build it with make web (or set PP_CLUSTER_WEB_ROOT)"
  PP_WEB_ROOT=$(cd "$PP_WEB_ROOT" && pwd)
  for port in "$PP_PG_PORT" "$PP_REDIS_PORT" "$(daemon_port 1)" "$(daemon_port 2)" \
              "$(daemon_port 3)" "$PP_LB_PORT" "$PP_STATS_PORT"; do
    port_busy "$port" && die "port $port is taken by another process (see the PP_CLUSTER_* variables)"
  done

  # From here on, a failure stops whatever was started.
  trap on_start_exit EXIT
  {
    for v in PP_BUILD PP_LB_PORT PP_DAEMON_PORT PP_STATS_PORT PP_REDIS_PORT PP_PG_PORT \
             PP_WEB_ROOT PP_DAEMON_ARGS PP_DB_URL; do
      printf '%s=%q\n' "$v" "${!v}"
    done
  } >"$dir/cluster.env"
  printf '# Read by the daemons of %s instead of the user'"'"'s pairpad/pairpadd.conf.\n' \
    "$prog" >"$dir/pairpadd.conf"

  start_postgres_fresh
  start_redis
  # pairpadd-1 alone first: it creates the schema, and two daemons must not
  # migrate one database at once.
  spawn_daemon 1
  wait_daemon 1
  spawn_daemon 2
  spawn_daemon 3
  wait_daemon 2
  wait_daemon 3
  start_haproxy
  trap - EXIT

  cat <<EOF
Pairpad cluster running in $dir
  balancer    http://127.0.0.1:$PP_LB_PORT/   (HAProxy stats: http://127.0.0.1:$PP_STATS_PORT/stats)
EOF
  for n in "${daemons[@]}"; do
    echo "  pairpadd-$n  http://127.0.0.1:$(daemon_port "$n")/   (log: $dir/pairpadd-$n.log)"
  done
  cat <<EOF
  redis       redis://127.0.0.1:$PP_REDIS_PORT
  postgresql  $PP_DB_URL
Stop it with: deploy/run-local.sh stop $dir
EOF
}

do_status() {
  local n pid state port health ok=0
  if pid=$(postgres_pid); then
    echo "postgresql  running (pid $pid), $PP_DB_URL"
  else
    echo "postgresql  stopped"; ok=1
  fi
  if pid=$(running_pid redis); then
    echo "redis       running (pid $pid), port $PP_REDIS_PORT"
  else
    echo "redis       stopped"; ok=1
  fi
  for n in "${daemons[@]}"; do
    port=$(daemon_port "$n")
    if pid=$(running_pid "pairpadd-$n"); then
      health=$(curl -s --max-time 2 -w ' (HTTP %{http_code})' \
        "http://127.0.0.1:$port/healthz" 2>/dev/null || echo "no answer")
      echo "pairpadd-$n  running (pid $pid), port $port, /healthz: $health"
    else
      echo "pairpadd-$n  stopped"; ok=1
    fi
  done
  if pid=$(running_pid haproxy); then
    echo "haproxy     running (pid $pid), port $PP_LB_PORT"
    for n in "${daemons[@]}"; do
      state=$(balancer_state "$n")
      echo "  sees pairpadd-$n as ${state:-unknown}"
    done
  else
    echo "haproxy     stopped"; ok=1
  fi
  return $ok
}

case "$cmd" in
  start)
    do_start
    ;;
  stop)
    if [ -d "$dir" ]; then
      exec 9>"$dir/.lock"
      flock -w 30 9 || note "another $prog still works on $dir after 30s; stopping anyway"
    fi
    do_stop
    ;;
  *)
    load_env
    exec 9>"$dir/.lock"
    flock -w 60 9 || die "another $prog is still working on $dir"
    case "$cmd" in
      status) do_status ;;
      kill-daemon)
        pid=$(running_pid "pairpadd-$num") || die "pairpadd-$num is not running"
        kill -KILL "$pid"
        while pid_alive "$pid"; do sleep 0.05; done
        rm -f "$dir/pairpadd-$num.pid"
        note "pairpadd-$num killed (SIGKILL)"
        ;;
      stop-daemon) stop_part "pairpadd-$num" 20 ;;
      start-daemon)
        [ -z "$build_arg" ] || PP_BUILD=$(resolve_build)
        spawn_daemon "$num"
        wait_daemon "$num"
        wait_balancer_sees "$num"
        ;;
      stop-redis) stop_part redis 5 ;;
      start-redis) start_redis ;;
      stop-postgres) stop_postgres ;;
      start-postgres) start_postgres_again ;;
    esac
    ;;
esac
