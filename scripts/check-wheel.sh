#!/usr/bin/env bash
# Proof that the wheel alone works: build it, check what it carries, install it into a
# clean virtualenv next to a stock `wagtail start` project, add the plugin with the README's
# own blocks (scripts/hosts/commune_site/readme_steps.py), then migrate, set up, collect
# the static files and pass `manage.py check --fail-level WARNING` in production settings
# (with a Redis of its own, as those settings want: redis-server must be installed).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY="${PY:-.venv/bin/python}"
PYTHON="${PYTHON:-python3}"
WORK="${HC_WHEEL_WORK:-/tmp/heurecivique-wheel}"
# HC_TREE_LOCK: a lock file held while the build writes into the tree (build/, *.egg-info),
# for callers that install from the same tree at the same time (.ci/run).
LOCKED=()
[ -n "${HC_TREE_LOCK:-}" ] && LOCKED=(flock "$HC_TREE_LOCK")

# Stale build/lib files would go into the wheel; build/ also holds the browser tests' screenshots.
rm -rf dist build/lib build/bdist.* "$WORK"
"${LOCKED[@]}" "$PY" -m build --wheel --outdir dist . >/dev/null
wheel=$(ls dist/wagtail_heurecivique-*.whl)
echo "Built $wheel ($(du -k "$wheel" | cut -f1) KiB)"

"$PY" - "$wheel" <<'PYCODE'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
required = [
    "wagtail_heurecivique/locale/fr/LC_MESSAGES/django.mo",
    "workflows/locale/fr/LC_MESSAGES/django.mo",
    "wagtail_heurecivique/migrations/0001_initial.py",
    "wagtail_heurecivique/templates/wagtail_heurecivique/admin/history.html",
    "wagtail_heurecivique/templates/wagtail_heurecivique/admin/delete.html",
    "wagtail_heurecivique/static/wagtail_heurecivique/css/history.css",
    "wagtail_heurecivique/static/wagtail_heurecivique/css/public.css",
    "wagtail_heurecivique/static/wagtail_heurecivique/css/frame.css",
    "wagtail_heurecivique/templates/wagtail_heurecivique/public/frame.html",
    "wagtail_heurecivique/static/wagtail_heurecivique/js/form-errors.js",
]
missing = [name for name in required if name not in names]
forbidden = [name for name in names if name.startswith(("tests/", "example_site/"))]
groups = {}
for name in names:
    top = name.split("/")[0]
    kind = "python" if name.endswith(".py") else "catalog" if name.endswith((".po", ".mo")) else "template" if name.endswith(".html") else "static" if "/static/" in name else "other"
    groups.setdefault((top, kind), 0)
    groups[(top, kind)] += 1
for (top, kind), count in sorted(groups.items()):
    print(f"  {top:45} {kind:9} {count}")
if missing or forbidden:
    sys.exit(f"wheel is wrong: missing {missing}, should not carry {forbidden}")
PYCODE

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --upgrade pip
# With the redis extra, as the README installs it (the Redis client of the shared cache).
"$WORK/venv/bin/pip" install --quiet "$wheel[redis]"
# A Redis of its own: the README's production settings keep the rate limits and the
# sessions there (REDIS_URL). HC_REDIS_ROOT and HC_REDIS_PORT may choose its directory and
# port; it is stopped when this script ends, however it ends.
export HC_REDIS_ROOT="${HC_REDIS_ROOT:-$WORK/redis}"
export HC_REDIS_PORT="${HC_REDIS_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
trap '"$REPO/scripts/redis.sh" stop' EXIT
trap 'exit 143' TERM INT
eval "$("$REPO/scripts/redis.sh" start)"
cd "$WORK"
mkdir site
"$WORK/venv/bin/wagtail" start mysite site >/dev/null
cd site

# The README's "Add it to an existing Wagtail site", block by block, as the README has them.
STEPS="$WORK/steps"
"$PYTHON" "$REPO/scripts/hosts/commune_site/readme_steps.py" extract "$REPO/README.md" "$STEPS" >/dev/null
"$PYTHON" "$REPO/scripts/hosts/commune_site/readme_steps.py" append "$STEPS/settings-base.py" mysite/settings/base.py
"$PYTHON" "$REPO/scripts/hosts/commune_site/readme_steps.py" append "$STEPS/settings-production.py" mysite/settings/production.py
"$PYTHON" "$REPO/scripts/hosts/commune_site/readme_steps.py" urls "$STEPS/urls.py" mysite/urls.py
# What every production site has in its (uncommitted) local settings.
cat > mysite/settings/local.py <<'LOCAL'
SECRET_KEY = "check-wheel-not-secret"
ALLOWED_HOSTS = ["localhost"]
LOCAL
# The stock project's production settings: DEBUG off, ManifestStaticFilesStorage.
export DJANGO_SETTINGS_MODULE=mysite.settings.production
PATH="$WORK/venv/bin:$PATH" bash -eo pipefail "$STEPS/commands.sh" >/dev/null
"$WORK/venv/bin/python" manage.py check --fail-level WARNING
"$WORK/venv/bin/python" - <<'PYCODE'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.production")
import django
django.setup()
from django.utils import translation
from wagtail_heurecivique.models import Volunteer
translation.activate("fr")
label = str(Volunteer._meta.verbose_name_plural)
assert label == "volontaires", label
print("French catalog from the wheel:", label)
from django.test import Client
from django.core.management import call_command
from wagtail_heurecivique.models import Commune
Commune.objects.get_or_create(insee_code="27681", defaults={"name": "Vernon", "postcodes": "27200", "departement": "27"})
response = Client().get("/heurecivique/indicateurs/27681.json", HTTP_HOST="localhost")
assert response.status_code == 200, response.status_code
print("Open data endpoint from the wheel:", response.json()["commune"]["name"])
PYCODE
echo "The wheel installs into a stock Wagtail project, migrates and passes its checks."
