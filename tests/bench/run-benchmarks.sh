#!/usr/bin/env bash
# run-benchmarks.sh: prints every benchmark number of docs/benchmarks.md.
#   tests/bench/run-benchmarks.sh [BUILD_DIR]
# Builds nothing itself (make bench does); starts a throwaway PostgreSQL for
# the store benchmark and stops it again.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-bench}
cd "$top"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release -Dtests=true -Dbenchmarks=true
fi
ninja -C "$build" tests/bench/bench-text-op tests/bench/bench-document tests/bench/bench-completion \
  tests/bench/bench-store

echo "== Text operations"
"$build/tests/bench/bench-text-op"
echo
echo "== Documents (rope)"
"$build/tests/bench/bench-document"
echo
echo "== Built-in completions"
"$build/tests/bench/bench-completion"
echo
echo "== Group commit, SQLite (WAL, synchronous=NORMAL)"
"$build/tests/bench/bench-store"
echo
pg_dir=$(mktemp -d /tmp/pairpad-bench-pg.XXXXXX)
trap 'tests/postgres.sh stop "$pg_dir"' EXIT
admin=$(tests/postgres.sh start "$pg_dir" "${PG_PORT:-54339}")
psql -X -q "$admin" -c "CREATE DATABASE pairpad_bench"
echo "== Group commit, PostgreSQL 15 (loopback, fsync on)"
"$build/tests/bench/bench-store" --database "${admin%/postgres}/pairpad_bench"
