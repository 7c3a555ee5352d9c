# Debian's prometheus-alertmanager for the end-to-end suite: the test runs its
# own Alertmanager on loopback (own config, storage dir and port) that delivers
# real webhooks to the portal backend. Fails, never skips, when it cannot be
# installed.
alertmanager_ensure_installed() {
  ALERTMANAGER_PATH="${ALERTMANAGER_PATH:-/usr/bin/prometheus-alertmanager}"
  if [ ! -x "$ALERTMANAGER_PATH" ]; then
    log "Alertmanager not found: installing Debian's prometheus-alertmanager"
    apt_install prometheus-alertmanager
    ALERTMANAGER_PATH=/usr/bin/prometheus-alertmanager
  fi
  [ -x "$ALERTMANAGER_PATH" ] || die "Alertmanager is missing and could not be installed"
  export ALERTMANAGER_PATH
}
