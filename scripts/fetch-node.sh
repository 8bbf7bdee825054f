#!/usr/bin/env bash
# Prints the bin folder of a Node.js of the given major line (default 24), fetched once from the
# npm registry's `node` package into ~/.cache/samverkan/node-<major>. For machines whose own Node
# is older than the service needs (22.14): CI puts the folder first in PATH.
# Usage: PATH="$(bash scripts/fetch-node.sh 24):$PATH"
set -euo pipefail
MAJOR="${1:-24}"
DIR="${XDG_CACHE_HOME:-$HOME/.cache}/samverkan/node-${MAJOR}"
BIN="$DIR/node_modules/.bin"
if ! [ -x "$BIN/node" ] || [ "$("$BIN/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$MAJOR" ]; then
  mkdir -p "$DIR"
  (cd "$DIR" && npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error "node@${MAJOR}" >&2)
fi
[ -x "$BIN/node" ] || { echo "fetch-node: no Node ${MAJOR} in $DIR" >&2; exit 1; }
echo "$BIN"
