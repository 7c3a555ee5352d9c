# Shared helpers for scripts/*.sh. Source it; do not run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
YARN_JS="$ROOT/.yarn/releases/yarn-4.13.0.cjs"
# Native addons (better-sqlite3) build against the Node headers in /usr/include/node.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
export YARN_ENABLE_TELEMETRY=0

yarn_run() { node "$YARN_JS" "$@"; }

log() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# apt_install PACKAGE... — installs Debian packages when missing, or fails.
APT_UPDATED=""
apt_install() {
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      die "need root (or sudo) to apt-get install $*"
    fi
  else SUDO=""; fi
  if [ -z "$APT_UPDATED" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    || die "apt-get install $* failed"
}

install_dependencies() {
  log "Installing JavaScript dependencies (yarn install)"
  if [ "${CI:-}" = "true" ]; then
    yarn_run install --immutable
  else
    yarn_run install
  fi
}

# free_port — prints a free TCP port on 127.0.0.1.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
