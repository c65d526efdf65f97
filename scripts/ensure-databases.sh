#!/bin/sh
# Run by `npm test` after ensure-chromium.sh. The tests start real database servers
# themselves: Debian's PostgreSQL (the second warehouse, and `psql` against Tessera's
# wire protocol) and MariaDB (the `mysql` source). Python's psycopg is best effort (the
# test that drives it says so when it is skipped).
set -eu

install_debian() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-databases: installing Debian's $* for the tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    # A package whose service cannot start here (no init system) may still leave its
    # binaries installed: what counts is checked below, not apt-get's exit code.
    apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq "$@" >/dev/null 2>&1; } || true
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "ensure-databases: installing Debian's $* (sudo) for the tests" >&2
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 || { sudo -n apt-get update -qq >/dev/null 2>&1; sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; } || true
  fi
}

postgres_server() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
mariadb_server() { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; }

missing=""
command -v psql >/dev/null 2>&1 && postgres_server || missing="$missing postgresql postgresql-client"
mariadb_server || missing="$missing mariadb-server"
# shellcheck disable=SC2086
[ -z "$missing" ] || install_debian $missing

if ! command -v psql >/dev/null 2>&1 || ! postgres_server || ! mariadb_server; then
  echo "ensure-databases: the tests need PostgreSQL and MariaDB: run 'sudo apt-get install postgresql postgresql-client mariadb-server' (Debian/Ubuntu), then npm test again." >&2
  exit 1
fi

# A second driver in another language, best effort: a missing one only skips its test.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import psycopg' >/dev/null 2>&1; then
  python3 -m pip install -q 'psycopg[binary]' >/dev/null 2>&1 || python3 -m pip install -q --user 'psycopg[binary]' >/dev/null 2>&1 || echo "ensure-databases: could not install psycopg; its test will be skipped" >&2
fi
exit 0
