#!/usr/bin/env bash
# Sourced by .ci/run for export-format-delivery: installs (if missing) and starts what its tests
# need, and stops it again on exit (also on failure):
#   - a PostgreSQL server from Debian's packages, as the unprivileged "postgres" user, in a
#     throwaway data directory, listening on 127.0.0.1 only; EXPORT_DELIVERY_PG_URL points the
#     PostgreSQL tests at a fresh database on it;
#   - Debian's chromium and chromium-driver for the headless browser test.
# Usage: source .ci/delivery-services.sh; delivery_services_start; ...; (stopped by the EXIT trap)

delivery_pg_dir=""
delivery_pg_bin=""

delivery_services_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 0
  local need=()
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (export-format-delivery tests)"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

delivery_pg_start() {
  delivery_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$delivery_pg_bin" ]; then
    echo "WARNING: no PostgreSQL server binaries; the PostgreSQL tests will skip (and CI will fail)" >&2
    return 0
  fi
  local runas=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    runas=(runuser -u postgres --)
  fi
  delivery_pg_dir=$(mktemp -d /tmp/export-delivery-pg.XXXXXX)
  chmod 700 "$delivery_pg_dir"
  local pw port
  pw=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
  printf '%s\n' "$pw" > "$delivery_pg_dir/pw"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$delivery_pg_dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "${runas[@]}" "$delivery_pg_bin/initdb" -D "$delivery_pg_dir/data" -U delivery --pwfile="$delivery_pg_dir/pw" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale >"$delivery_pg_dir/initdb.log" 2>&1 \
    || { cat "$delivery_pg_dir/initdb.log" >&2; return 1; }
  "${runas[@]}" "$delivery_pg_bin/pg_ctl" -D "$delivery_pg_dir/data" -l "$delivery_pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$delivery_pg_dir -c max_connections=200 -c fsync=off" \
    start >/dev/null || { cat "$delivery_pg_dir/server.log" >&2; return 1; }
  PGPASSWORD="$pw" "$delivery_pg_bin/createdb" -h 127.0.0.1 -p "$port" -U delivery delivery
  export EXPORT_DELIVERY_PG_URL="jdbc:postgresql://127.0.0.1:$port/delivery?user=delivery&password=$pw"
  echo "PostgreSQL $("$delivery_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $delivery_pg_dir)"
}

delivery_pg_stop() {
  if [ -n "$delivery_pg_dir" ] && [ -f "$delivery_pg_dir/data/postmaster.pid" ]; then
    local runas=()
    [ "$(id -u)" = 0 ] && runas=(runuser -u postgres --)
    "${runas[@]}" "$delivery_pg_bin/pg_ctl" -D "$delivery_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$delivery_pg_dir" ] && rm -rf "$delivery_pg_dir"
  delivery_pg_dir=""
}

delivery_services_start() {
  delivery_services_install
  trap delivery_pg_stop EXIT
  delivery_pg_start
}
