#!/usr/bin/env bash
# The one bench command (`npm run bench`, SPEC §12; bench/README.md): starts a
# throwaway PostgreSQL on a free loopback port, makes sure Chromium and the
# built app exist, then runs bench/src/run.js, which generates the data on
# SQLite and PostgreSQL, measures side by side and prints ratios against the
# targets. Sizes: BENCH_* environment variables (bench/README.md).
# Exits 0 when the bench ran (misses are reported, not failed); non-zero only
# when it crashed. Not part of `npm test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/chromium.sh"
cd "$ROOT"

databases="${BENCH_DATABASES:-sqlite,postgres}"

if [ "${BENCH_SKIP_BROWSER:-}" != "1" ]; then
  chromium_ensure_installed
  export CHROMIUM_PATH
fi

if [ ! -f "$ROOT/packages/app/dist/index.html" ]; then
  log "Building the app (packages/app/dist is missing)"
  yarn_run workspace app build
fi

trap pg_stop EXIT
if [[ ",$databases," == *",postgres,"* ]]; then
  # BENCH_POSTGRES_PORT pins the cluster's port (sessions sharing a machine
  # each own a few); otherwise any free port.
  if [ -n "${BENCH_POSTGRES_PORT:-}" ]; then
    free_port() { echo "$BENCH_POSTGRES_PORT"; }
  fi
  pg_start
  export BENCH_POSTGRES_PORT="$PG_PORT"
fi

log "Bench (databases: $databases)"
node "$ROOT/bench/src/run.js"
