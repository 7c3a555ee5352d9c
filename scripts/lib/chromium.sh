# Debian Chromium for the end-to-end suite (driven by playwright-core).
chromium_ensure_installed() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-}"
  if [ -z "$CHROMIUM_PATH" ]; then
    for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
      if [ -x "$candidate" ]; then CHROMIUM_PATH="$candidate"; break; fi
    done
  fi
  if [ -z "$CHROMIUM_PATH" ]; then
    log "Chromium not found: installing Debian's chromium"
    apt_install chromium
    CHROMIUM_PATH=/usr/bin/chromium
  fi
  [ -x "$CHROMIUM_PATH" ] || die "Chromium is missing and could not be installed"
  export CHROMIUM_PATH
}
