#!/usr/bin/env bash
# The one start command (README): installs, builds the app and serves the
# portal at http://localhost:7007 with the embedded defaults of
# app-config.yaml (SQLite files under .data/, guest sign-in, demo data).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

install_dependencies
mkdir -p "$ROOT/.data"
log "Building the app (production build, served by the backend)"
yarn_run workspace app build
log "Starting the portal on http://localhost:7007 (Ctrl-C to stop)"
cd "$ROOT/packages/backend"
exec node "$YARN_JS" start
