#!/usr/bin/env bash
# cluster.sh [BUILD_DIR] [SECONDS]: pairpad-bench's rooms and classroom
# scenarios against one pairpadd on PostgreSQL, then against three in
# cluster mode behind HAProxy (deploy/run-local.sh), on this machine.
# Prints one markdown table. BUILD_DIR defaults to build-bench (release).
#
# On one machine the three daemons, PostgreSQL, Redis, HAProxy and the
# load generator share its cores: the cluster is measured for what it
# costs (latency added by the extra hops), not for the throughput it adds.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-bench}
seconds=${2:-10}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
daemon="$build/src/daemon/pairpadd"
bench="$build/bench/load/pairpad-bench"
for f in "$daemon" "$bench"; do
  [ -x "$f" ] || { echo "cluster.sh: $f is missing (ninja -C $build)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/pairpad-cluster-bench.XXXXXX)
# PostgreSQL runs as its own user when this runs as root.
chmod 755 "$dir"
single_pid=
# Ports apart from deploy/run-local.sh's defaults and the test suites'.
export PP_CLUSTER_PORT=18600 PP_CLUSTER_DAEMON_PORT=18601 PP_CLUSTER_STATS_PORT=18604
export PP_CLUSTER_REDIS_PORT=16600 PP_CLUSTER_PG_PORT=54600
limits="--max-ops-per-second 1000000 --max-connections-per-address 1000000 --max-rooms-per-minute 1000000"
export PP_CLUSTER_DAEMON_ARGS="$limits"

cleanup() {
  if [ -n "$single_pid" ]; then kill "$single_pid" 2>/dev/null || true; wait "$single_pid" 2>/dev/null || true; fi
  "$top/tests/postgres.sh" stop "$dir/pg" 2>/dev/null || true
  "$top/deploy/run-local.sh" stop "$dir/cluster" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

# One result line: setup, scenario, acked/s, latency p50/p99/max, converged.
row() {
  local setup=$1 json=$2
  jq -r --arg setup "$setup" \
    '"| \(.scenario) | \($setup) | \(.clients) | \(.acked_per_s) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.latency_ms.max) | \(if .converged then "yes" else "NO" end) |"' \
    <<<"$json"
}

run() {
  local setup=$1 url=$2 scenario=$3 pid=${4:-}
  local args=(--url "$url" --scenario "$scenario" --duration "$seconds" --json)
  [ -n "$pid" ] && args+=(--server-pid "$pid")
  row "$setup" "$("$bench" "${args[@]}" | tail -n 1)"
}

echo "| scenario | setup | clients | acked ops/s | latency p50 ms | p99 ms | max ms | converged |"
echo "|---|---|---|---|---|---|---|---|"

# One daemon alone on PostgreSQL: the baseline.
pg_url=$("$top/tests/postgres.sh" start "$dir/pg" 54601)
: >"$dir/single.log"
# shellcheck disable=SC2086
"$daemon" --port 18610 --database "$pg_url" --web-root "$top/frontend/dist" $limits \
  >"$dir/single.log" 2>&1 &
single_pid=$!
for _ in $(seq 100); do
  curl -sf http://127.0.0.1:18610/healthz >/dev/null 2>&1 && break
  sleep 0.1
done
for scenario in rooms classroom; do
  run "1 daemon" http://127.0.0.1:18610 "$scenario" "$single_pid"
done
kill "$single_pid"; wait "$single_pid" || true; single_pid=
"$top/tests/postgres.sh" stop "$dir/pg"

# Three daemons behind HAProxy: clients of a room land on different daemons.
"$top/deploy/run-local.sh" start "$dir/cluster" --build "$build" >/dev/null 2>&1
for scenario in rooms classroom; do
  run "3 daemons + HAProxy" "http://127.0.0.1:$PP_CLUSTER_PORT" "$scenario"
done
