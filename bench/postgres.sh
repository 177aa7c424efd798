#!/usr/bin/env bash
# A PostgreSQL 15 cluster for the benchmarks that outlives one command, unlike
# bin/with-postgres: the national database takes minutes to write, so it is kept in
# bench/data/postgres (git-ignored) between runs.
#
#   bench/postgres.sh start   start it (initdb the first time); prints DATABASE_URL
#   bench/postgres.sh url     print DATABASE_URL
#   bench/postgres.sh status  exit 0 if it is running
#   bench/postgres.sh stop    stop it
#
# Loopback only, on port $BENCH_PG_PORT (default 55432). initdb refuses to run as root, so
# as root the cluster belongs to the `postgres` system user, as in bin/with-postgres.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
cd "$(dirname "$0")/.."
dir="$PWD/bench/data/postgres"
port="${BENCH_PG_PORT:-55432}"
url="postgres://postgres@127.0.0.1:$port/planstatus"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
fi

running() { "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if [ ! -d "$dir/data" ]; then
      mkdir -p "$dir"
      chmod 755 "$(dirname "$dir")" # the cluster's owner must reach it
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
      "${as_owner[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 >/dev/null
    fi
    if ! running; then
      # A small server's settings: a quarter of this machine's memory would be 6 GB; 1 GB of
      # shared buffers holds a region's working set many times over.
      "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c shared_buffers=1GB -c effective_cache_size=4GB" \
        start >/dev/null
      "${as_owner[@]}" "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'planstatus'" | grep -q 1 ||
        "${as_owner[@]}" "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres planstatus
    fi
    echo "$url"
    ;;
  url)
    echo "$url"
    ;;
  status)
    running
    ;;
  stop)
    if running; then
      "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    fi
    ;;
  *)
    echo "usage: bench/postgres.sh start|url|status|stop" >&2
    exit 2
    ;;
esac
