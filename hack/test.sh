#!/usr/bin/env bash
# Runs every check pwk has, from a fresh clone: install, build, lint, then each package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
npm run lint
# Every package's tests, even after a failure (--no-bail --no-sort in the root package.json), and
# this script's exit code is theirs: set -e ends it with the status of the command that failed.
npm test
