#!/usr/bin/env bash
# smoke.sh PAIRPADD PAIRPAD_BENCH: pair and saturation for 5 s each against a
# fresh daemon on SQLite. Checks that every run converges, not its speed:
# speed is for `make bench-load` on a quiet machine.
set -euo pipefail
daemon=$1 bench=$2
dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

# Created before the daemon starts: the loop below may read it first.
: >"$dir/daemon.log"
"$daemon" --port 0 --database "sqlite://$dir/pairpad.db" --max-ops-per-second 1000000 \
  --max-connections-per-address 1000000 --max-rooms-per-minute 1000000 \
  >"$dir/daemon.log" 2>&1 &
pid=$!
url=
for _ in $(seq 200); do
  url=$(sed -n 's|^pairpadd listening on \(http://[^ ]*\)/$|\1|p' "$dir/daemon.log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/daemon.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "smoke.sh: pairpadd did not start" >&2; cat "$dir/daemon.log" >&2; exit 1; }

for scenario in pair saturation; do
  "$bench" --url "$url" --scenario "$scenario" --duration 5 --server-pid "$pid"
done

# A clean stop: under the sanitizers this is where leaks are reported.
kill -TERM "$pid"
wait "$pid"
pid=
