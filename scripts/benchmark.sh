#!/usr/bin/env bash
# The benchmark suite (pytest marker `benchmark`), on SQLite and, when the PostgreSQL
# server binaries are on this machine, on a throwaway PostgreSQL cluster too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

echo "== SQLite"
env -u DATABASE_URL "$PY" -m pytest -m benchmark -q "$@"

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v pg_config >/dev/null; then
    echo "== PostgreSQL"
    export HC_PGPORT="${HC_PGPORT:-54331}" HC_PGROOT="${HC_PGROOT:-/tmp/heurecivique-pg-bench}"
    eval "$(scripts/postgres.sh start)"
    trap 'scripts/postgres.sh stop' EXIT
    "$PY" -m pytest -m benchmark -q "$@"
else
    echo "== PostgreSQL: server binaries not found, skipped (apt-get install postgresql)"
fi
