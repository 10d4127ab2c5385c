#!/usr/bin/env bash
# A throwaway Redis for tests: `scripts/redis.sh start` prints an `export REDIS_URL=…` line
# to eval; `scripts/redis.sh stop` stops it and removes its directory. Like postgres.sh,
# HC_REDIS_PORT and HC_REDIS_ROOT let several run side by side (CI runs two legs at once).
set -euo pipefail

PORT="${HC_REDIS_PORT:-63799}"
ROOT="${HC_REDIS_ROOT:-/tmp/heurecivique-redis}"

start() {
    if ! command -v redis-server >/dev/null; then
        echo "redis-server not found: apt-get install redis-server" >&2
        exit 1
    fi
    if ! { [ -f "$ROOT/redis.pid" ] && kill -0 "$(cat "$ROOT/redis.pid")" 2>/dev/null; }; then
        rm -rf "$ROOT"
        mkdir -p "$ROOT"
        redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
            --pidfile "$ROOT/redis.pid" --dir "$ROOT" --logfile "$ROOT/redis.log" >/dev/null
        for _ in $(seq 50); do
            [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && break
            sleep 0.1
        done
        [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] || { echo "Redis did not start on port $PORT" >&2; exit 1; }
    fi
    echo "export REDIS_URL=redis://127.0.0.1:$PORT/0"
}

stop() {
    # Redis writes its log (and removes its pid file) while it shuts down: wait for it to be
    # gone before removing its directory, or `rm -rf` races it ("Directory not empty").
    if [ -f "$ROOT/redis.pid" ]; then
        local pid
        pid="$(cat "$ROOT/redis.pid" 2>/dev/null || true)"
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    for _ in 1 2 3; do
        rm -rf "$ROOT" 2>/dev/null && break
        sleep 0.2
    done
    rm -rf "$ROOT"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
