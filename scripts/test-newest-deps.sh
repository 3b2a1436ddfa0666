#!/usr/bin/env bash
# The package.json ranges of zod and ky start at the versions the lockfile pins, which the main test
# run covers. This covers the other end: it installs the newest zod 4 and ky 1 releases in a scratch
# directory and runs the model, client and event tests with them, so a release that changes what the
# SDK relies on (zod's internals above all, read in src/models/zod-internals.ts) fails here first.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts zod@4 ky@1 >/dev/null)
for name in zod ky; do
  printf '%s: lockfile %s, newest %s\n' "$name" \
    "$(node -p "require('./node_modules/$name/package.json').version")" \
    "$(node -p "require('$scratch/node_modules/$name/package.json').version")"
done
TERRA_NEWEST_DEPS="$scratch" npx vitest run --config scripts/newest-deps.vitest.config.ts
