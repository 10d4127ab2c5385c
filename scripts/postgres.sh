#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: `scripts/postgres.sh start` prints an
# `export DATABASE_URL=…` line to eval; `scripts/postgres.sh stop` removes the cluster.
# Works as root (runs the server as the `postgres` system user) or as a normal user.
set -euo pipefail
export PATH="/usr/sbin:/sbin:$PATH"

PGPORT="${HC_PGPORT:-54329}"
PGROOT="${HC_PGROOT:-/tmp/heurecivique-pg}"
DATA="$PGROOT/data"
SOCKET="$PGROOT/socket"
DBUSER=heurecivique

bindir() {
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$newest" ]; then
        echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2
        exit 1
    fi
    echo "$newest"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

start() {
    local bin
    bin=$(bindir)
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        rm -rf "$PGROOT"
        mkdir -p "$DATA" "$SOCKET"
        [ "$(id -u)" = 0 ] && chown -R postgres "$PGROOT"
        as_owner "$bin/initdb" -D "$DATA" --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync -U postgres >/dev/null
        cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$SOCKET'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    if ! as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$DATA" -l "$PGROOT/server.log" -w -t 30 start >/dev/null
    fi
    as_owner "$bin/psql" -h "$SOCKET" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL >/dev/null
SELECT 'CREATE ROLE $DBUSER LOGIN SUPERUSER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DBUSER') \gexec
SELECT 'CREATE DATABASE $DBUSER OWNER $DBUSER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DBUSER') \gexec
SQL
    echo "export DATABASE_URL=postgres://$DBUSER@127.0.0.1:$PGPORT/$DBUSER"
}

stop() {
    local bin
    bin=$(bindir)
    if [ -f "$DATA/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGROOT"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
