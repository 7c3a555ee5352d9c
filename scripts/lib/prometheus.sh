# Debian's prometheus for the end-to-end suite: the automated-rollback chain
# test runs its own Prometheus on loopback (own config, rule file, TSDB dir and
# port) that scrapes a test endpoint and sends alerts to its own Alertmanager.
# Fails, never skips, when it cannot be installed.
prometheus_ensure_installed() {
  PROMETHEUS_PATH="${PROMETHEUS_PATH:-/usr/bin/prometheus}"
  if [ ! -x "$PROMETHEUS_PATH" ]; then
    log "Prometheus not found: installing Debian's prometheus"
    apt_install prometheus
    PROMETHEUS_PATH=/usr/bin/prometheus
  fi
  [ -x "$PROMETHEUS_PATH" ] || die "Prometheus is missing and could not be installed"
  export PROMETHEUS_PATH
}
