#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the suites need
# (Debian PostgreSQL, Chromium, prometheus and prometheus-alertmanager included), then
# runs the type check, lint, unit + store tests (SQLite and PostgreSQL) and the
# end-to-end suite (Chromium; a real Alertmanager delivering webhooks; a real
# Prometheus rule firing through Alertmanager into an automated rollback).
# Prints "N passed, N failed" at the end and exits non-zero on any failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$ROOT/scripts/lib/postgres.sh"
source "$ROOT/scripts/lib/chromium.sh"
source "$ROOT/scripts/lib/alertmanager.sh"
source "$ROOT/scripts/lib/prometheus.sh"
cd "$ROOT"

started_at=$(date +%s)
results="$ROOT/test-results"
rm -rf "$results"
mkdir -p "$results"
: >"$results/checks.txt"

# check NAME COMMAND... — runs a non-Jest check and records pass/fail.
check() {
  local name="$1"; shift
  log "$name"
  if "$@"; then echo "passed $name" >>"$results/checks.txt"
  else echo "failed $name" >>"$results/checks.txt"; fi
}

trap pg_stop EXIT

log "System packages (PostgreSQL, Chromium, Alertmanager, Prometheus)"
pg_ensure_installed
chromium_ensure_installed
alertmanager_ensure_installed
prometheus_ensure_installed
echo "PostgreSQL: $PG_BIN   Chromium: $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null))"
echo "Alertmanager: $ALERTMANAGER_PATH ($("$ALERTMANAGER_PATH" --version 2>&1 | head -1))"
echo "Prometheus: $PROMETHEUS_PATH ($("$PROMETHEUS_PATH" --version 2>&1 | head -1))"

install_dependencies || die "yarn install failed"

check "Type check (tsc)" yarn_run tsc --noEmit
check "Lint (backstage-cli repo lint)" yarn_run backstage-cli repo lint
check "API docs match openapi.yaml (scripts/api-docs.js)" node scripts/api-docs.js --check

pg_start
log "Unit and store tests (Jest; stores on SQLite and PostgreSQL)"
CI=true yarn_run backstage-cli repo test --json --outputFile="$results/unit.json"
pg_stop

# quiet_check NAME COMMAND... — like check, but shows the output only on failure.
quiet_check() {
  local name="$1"; shift
  local out="$results/$(echo "$name" | tr -c 'a-zA-Z0-9' '-').log"
  log "$name"
  if "$@" >"$out" 2>&1; then echo "passed $name" >>"$results/checks.txt"; echo "ok (log: $out)"
  else tail -50 "$out"; echo "failed $name" >>"$results/checks.txt"; fi
}

quiet_check "Production build of the app" yarn_run workspace app build
log "End-to-end suite (Chromium)"
(cd test && CI=true yarn_run backstage-cli package test --runInBand --testTimeout 180000 \
  --json --outputFile="$results/e2e.json" e2e/)
echo "Screenshots: $(ls "$results/e2e-screenshots" 2>/dev/null | tr '\n' ' ')"

node "$ROOT/scripts/summarize-tests.js" "$results" "$started_at"
