#!/bin/sh
# Run by `npm test` after ensure-chromium.sh: the governed-access tests drive real
# PostgreSQL clients against Tessera's wire protocol: `psql` (Debian's postgresql-client)
# always, and Python's psycopg when it can be had (the test says so when it is skipped).
set -eu

if ! command -v psql >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-psql: installing Debian's postgresql-client for the wire-protocol tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq postgresql-client >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq postgresql-client >/dev/null; }
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "ensure-psql: installing Debian's postgresql-client (sudo) for the wire-protocol tests" >&2
    sudo -n apt-get install -y -qq postgresql-client >/dev/null 2>&1 || { sudo -n apt-get update -qq >/dev/null && sudo -n apt-get install -y -qq postgresql-client >/dev/null; }
  fi
fi
if ! command -v psql >/dev/null 2>&1; then
  echo "ensure-psql: the tests need psql: run 'sudo apt-get install postgresql-client' (Debian/Ubuntu), then npm test again." >&2
  exit 1
fi

# A second driver in another language, best effort: a missing one only skips its test.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import psycopg' >/dev/null 2>&1; then
  python3 -m pip install -q 'psycopg[binary]' >/dev/null 2>&1 || python3 -m pip install -q --user 'psycopg[binary]' >/dev/null 2>&1 || echo "ensure-psql: could not install psycopg; its test will be skipped" >&2
fi
exit 0
