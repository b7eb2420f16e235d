#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, on a loopback port.
#
#   bash scripts/postgres-test.sh [start]   start it (installing Debian's postgresql if absent)
#                                          and print its postgresql+psycopg:// URL on stdout
#   bash scripts/postgres-test.sh stop      stop it and delete its data
#
# The tests read the URL from JOURNEYLINE_TEST_DATABASE_URL:
#   JOURNEYLINE_TEST_DATABASE_URL=$(bash scripts/postgres-test.sh) pytest
# The server runs as a non-root user (postgres when run as root), listens on 127.0.0.1
# only, keeps its data in a temporary folder, and trusts loopback connections.
# Everything but the URL goes to stderr; on failure nothing is printed and the exit code is 1.
set -euo pipefail

PORT="${JOURNEYLINE_PG_PORT:-54329}"
DIR="${JOURNEYLINE_PG_DIR:-${TMPDIR:-/tmp}/journeyline-pg-$PORT}"
DB="journeyline_test"
ACTION="${1:-start}"

say() { echo "postgres-test: $*" >&2; }

find_bin() {
  local found
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found/pg_ctl" ]; then
    echo "$found"
    return 0
  fi
  return 1
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed and this is not root: install Debian's 'postgresql' package"
    return 1
  fi
  say "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Run a command as the cluster's owner: ourselves, or 'postgres' when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

BIN=$(find_bin || true)
if [ "$ACTION" = "stop" ]; then
  if [ -n "$BIN" ] && [ -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  say "stopped"
  exit 0
fi

if [ -z "$BIN" ]; then
  install_postgres || exit 1
  BIN=$(find_bin) || { say "pg_ctl not found after installing"; exit 1; }
fi

URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"

if [ -f "$DIR/data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  say "already running on 127.0.0.1:$PORT"
  echo "$URL"
  exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR/socket"
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres: "$DIR"
fi
as_owner "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null \
  || { say "initdb failed"; exit 1; }
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -k $DIR/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { say "the server did not start; see $DIR/server.log"; cat "$DIR/server.log" >&2 || true; exit 1; }
as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" || { say "createdb failed"; exit 1; }
say "running on 127.0.0.1:$PORT (data in $DIR; stop with: bash scripts/postgres-test.sh stop)"
echo "$URL"
