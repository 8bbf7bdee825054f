#!/usr/bin/env bash
# The dashboard's browser test (test/dashboard.e2e-spec.ts) drives Debian's chromium through
# playwright-core. `npm test` and .ci/run call this first: it installs chromium with apt-get
# when neither CHROMIUM_PATH nor /usr/bin/chromium is there (as root, or with password-less sudo),
# and otherwise says what to do and fails, so the browser test is never silently left out.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "The browser test needs chromium: run 'sudo apt-get install -y chromium', or set CHROMIUM_PATH to a Chromium or Chrome binary." >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser test (apt-get install chromium) …" >&2
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
