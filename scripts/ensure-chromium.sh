#!/bin/sh
# Run first by `npm test`: the web catalog's tests drive a real headless Chromium
# (playwright-core downloads no browser). Debian's package is installed when we can
# (as root, or with password-less sudo); otherwise stop at once with one line saying what to install.
set -eu

if [ -n "${TESSERA_CHROMIUM:-}" ]; then
  if [ -x "$TESSERA_CHROMIUM" ]; then exit 0; fi
  echo "ensure-chromium: TESSERA_CHROMIUM=$TESSERA_CHROMIUM is not an executable file; point it at a Chromium or unset it to use Debian's /usr/bin/chromium." >&2
  exit 1
fi
if [ -x /usr/bin/chromium ]; then exit 0; fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the web catalog's browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  if [ -x /usr/bin/chromium ]; then exit 0; fi
  echo "ensure-chromium: apt-get install chromium did not provide /usr/bin/chromium; install a Chromium and set TESSERA_CHROMIUM=/path/to/chrome." >&2
  exit 1
fi

if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "ensure-chromium: installing Debian's chromium (sudo) for the web catalog's browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo -n apt-get update -qq >/dev/null
  sudo -n apt-get install -y -qq chromium >/dev/null
  if [ -x /usr/bin/chromium ]; then exit 0; fi
fi

echo "ensure-chromium: the tests need Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu) or set TESSERA_CHROMIUM=/path/to/chrome, then npm test again." >&2
exit 1
