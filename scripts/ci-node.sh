#!/usr/bin/env bash
# The unit and integration suites on a second Node.js line (default 22), beside the whole suite on
# the first (issue 15). better-sqlite3 13 is a Node-API addon, so the one node_modules serves both
# lines. Usage: bash scripts/ci-node.sh [major]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MAJOR="${1:-22}"
BIN="$(bash "$ROOT/scripts/fetch-node.sh" "$MAJOR")"
cd "$ROOT"
echo "== unit and integration suites on Node $("$BIN/node" --version)"
PATH="$BIN:$PATH" "$BIN/node" node_modules/jest/bin/jest.js --config jest.config.js --ci --selectProjects unit int --cacheDirectory "${TMPDIR:-/tmp}/samverkan-jest-node${MAJOR}"
