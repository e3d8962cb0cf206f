#!/usr/bin/env bash
# with-test-keyring.sh: runs an app test on a private D-Bus session bus that
# has its own GNOME Keyring, unlocked, in a throwaway directory: the owner
# keys, share links and sign-ins the app keeps during the tests never reach
# the keyring of whoever runs them. Without dbus-run-session or
# gnome-keyring-daemon the test runs with no session bus at all, and the
# app keeps them in memory.
# Usage: with-test-keyring.sh PROGRAM [ARGS...]
set -u

if [ -z "${PAIRPAD_TEST_KEYRING:-}" ]; then
  if command -v dbus-run-session >/dev/null 2>&1 &&
     command -v gnome-keyring-daemon >/dev/null 2>&1; then
    export PAIRPAD_TEST_KEYRING=1
    exec dbus-run-session -- "$0" "$@"
  fi
  # Not the user's bus (nor an X11 autolaunched one): no keyring at all.
  export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent
  exec "$@"
fi

# On the private bus: a keyring of our own, created unlocked with a password
# it never asks for again.
dir=$(mktemp -d "${TMPDIR:-/tmp}/pairpad-keyring.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run"
mkdir -p -m 0700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
printf 'pairpad-tests' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
