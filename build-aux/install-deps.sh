#!/usr/bin/env bash
# install-deps.sh: installs what building and testing Pairpad needs on Debian 12.
# Idempotent and quick when everything is present: it only calls apt-get or npm
# for what is missing. Usage: build-aux/install-deps.sh [--tests]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

# Building and running pairpadd.
packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev
  libgda-5.0-dev libgda-5.0-postgres glib-networking libhiredis-dev
  nodejs npm
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev libsecret-1-dev itstool
  desktop-file-utils appstream
)
# The test suites: a real PostgreSQL, clang for the libFuzzer targets and the
# sanitizer runtimes, openssl for a test's own TLS certificate.
if [ "$want_tests" = 1 ]; then
  packages+=(postgresql clang libclang-rt-14-dev jq curl openssl)
  # The browser client's end-to-end tests: a real Chromium, and emoji that
  # render in its screenshots.
  packages+=(chromium fonts-noto-color-emoji fonts-wqy-zenhei)
  # The desktop app's end-to-end test: a display, keystrokes, and the
  # Flatpak manifest lint; a private session bus with a throwaway keyring
  # for the owner keys the app tests keep (tests/app/with-test-keyring.sh).
  packages+=(xvfb xauth xdotool flatpak-builder dbus-daemon gnome-keyring)
  # The cluster tests: Redis between the daemons, HAProxy in front of them.
  packages+=(redis-server haproxy)
fi

missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere than Debian; a working binary is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, from the committed lockfiles: the browser client's always,
# the test tools' (ot-text-unicode, for the reference vectors) for tests.
npm_ci() {
  local dir="$here/$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || \
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages of $1/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci frontend
if [ "$want_tests" = 1 ]; then
  npm_ci tests
fi
