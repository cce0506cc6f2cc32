#!/usr/bin/env bash
# Starts (or stops) a throw-away Redis and PostgreSQL on loopback for the cluster tests and prints
# the environment the tests read (FAKESCOPE_TEST_REDIS, FAKESCOPE_TEST_DATABASE):
#   eval "$(scripts/test-services.sh start)"   …   scripts/test-services.sh stop
# Data lives in $FAKESCOPE_SERVICES_DIR (default /tmp/fakescope-test-services) and is removed on
# stop. PostgreSQL refuses to run as root, so as root its server runs as the `postgres` user.
set -euo pipefail
dir="${FAKESCOPE_SERVICES_DIR:-/tmp/fakescope-test-services}"
redis_port="${FAKESCOPE_REDIS_PORT:-6390}"
pg_port="${FAKESCOPE_PG_PORT:-5439}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    mkdir -p "$dir"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
    if [ ! -d "$dir/pg" ]; then
      mkdir -p "$dir/pg" && { [ "$(id -u)" != 0 ] || chown postgres "$dir/pg"; }
      as_pg "$pg_bin/initdb" -D "$dir/pg" -U fakescope --auth=trust >/dev/null
    fi
    [ "$(id -u)" != 0 ] || chown postgres "$dir"
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
      -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "export FAKESCOPE_TEST_REDIS=redis://127.0.0.1:$redis_port"
    echo "export FAKESCOPE_TEST_DATABASE=postgres://fakescope@127.0.0.1:$pg_port/postgres"
    ;;
  stop)
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    [ -d "$dir/pg" ] && as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >&2 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
