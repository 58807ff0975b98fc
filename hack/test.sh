#!/usr/bin/env bash
# Runs every check pwk has, from a fresh clone: install, build, lint, then each package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
npm run lint
npm test
