# Throwaway PostgreSQL cluster on loopback with trust auth, for store tests.
# Usage: source it, then `pg_start` (exports the TestDatabases connection
# string) and `pg_stop` (also registered for EXIT by the caller).
PG_BIN=""
PG_DATA=""
PG_PORT=""

pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN="$dir"; fi
  done
}

pg_ensure_installed() {
  pg_find_bin
  if [ -z "$PG_BIN" ]; then
    log "PostgreSQL server not found: installing Debian's postgresql"
    apt_install postgresql
    pg_find_bin
  fi
  [ -n "$PG_BIN" ] || die "PostgreSQL server binaries (initdb, pg_ctl) are missing and could not be installed"
}

pg_as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  pg_ensure_installed
  PG_DATA="$(mktemp -d /tmp/rc-pg.XXXXXX)"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$PG_DATA"; fi
  PG_PORT="$(free_port)"
  pg_as_postgres "$PG_BIN/initdb" -D "$PG_DATA/data" -A trust -U postgres >"$PG_DATA/initdb.log" 2>&1 \
    || { cat "$PG_DATA/initdb.log"; die "initdb failed"; }
  pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w start -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA/data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { cat "$PG_DATA/server.log"; die "PostgreSQL did not start"; }
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$PG_PORT"
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
  # Store tests fail (never skip) when this is set and PostgreSQL is unreachable.
  export RELEASE_COORDINATOR_REQUIRE_POSTGRES=1
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  if [ -n "$PG_DATA" ] && [ -d "$PG_DATA/data" ]; then
    pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
    PG_DATA=""
  fi
}
