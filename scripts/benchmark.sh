#!/usr/bin/env bash
# The benchmark suite (pytest marker `benchmark`) on SQLite and, when the PostgreSQL server
# binaries are on this machine, on a throwaway PostgreSQL cluster too — whatever SQLite gave:
# PostgreSQL is the database the goals are about. Exits non-zero if either run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
status=0

echo "== SQLite"
env -u DATABASE_URL "$PY" -m pytest -m benchmark -q -rN "$@" || status=1

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v pg_config >/dev/null; then
    echo "== PostgreSQL"
    export HC_PGPORT="${HC_PGPORT:-54331}" HC_PGROOT="${HC_PGROOT:-/tmp/heurecivique-pg-bench}"
    eval "$(scripts/postgres.sh start)" || exit 1
    trap 'scripts/postgres.sh stop' EXIT
    "$PY" -m pytest -m benchmark -q -rN "$@" || status=1
else
    echo "== PostgreSQL: server binaries not found, skipped (apt-get install postgresql)"
fi
exit $status
