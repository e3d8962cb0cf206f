#!/usr/bin/env bash
# postgres.sh: a throwaway PostgreSQL server for the test suites, no systemd needed.
#   tests/postgres.sh start DIR PORT   initdb + start; prints the admin URL
#   tests/postgres.sh stop DIR         stop and remove DIR
#   tests/postgres.sh stop-server DIR  stop the server, keep DIR (to test a database outage)
#   tests/postgres.sh start-server DIR PORT  start the server of DIR again
# As root the server runs as the postgres user, as PostgreSQL requires.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "postgres.sh: no PostgreSQL server installed" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# fsync stays on: the crash tests must see what a real server keeps.
start_server() {
  as_owner "$pgbin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 \
    -o "-p $2 -k $1 -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
}

case "${1:-}" in
  start)
    dir=$2 port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_owner "$pgbin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=trust \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1
    start_server "$dir" "$port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=$2
    if [ -d "$dir/data" ]; then
      as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  stop-server)
    dir=$2
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  start-server)
    start_server "$2" "$3"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | stop-server DIR | start-server DIR PORT" >&2
    exit 2
    ;;
esac
