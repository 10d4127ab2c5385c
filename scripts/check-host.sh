#!/usr/bin/env bash
# Proof that the wheel goes into a real commune's Wagtail site, following the README
# literally, and changes nothing of that site. Unlike the example site and the stock host
# of check-wheel.sh, the host here is what a commune's IT provider runs: its own app (news
# pages, a snippet), English by default with French as a second locale (Wagtail i18n,
# simple translation, i18n_patterns), its own base/403/404/registration templates,
# ManifestStaticFilesStorage and DEBUG off. Its files are in scripts/hosts/commune_site/.
#
#   PY=.venv/bin/python PYTHON=python3.11 scripts/check-host.sh
#   PYTHON=python3.12 HC_PIP_CONSTRAINTS="Django>=6.0,<6.1 wagtail>=8.0,<8.1" \
#       HC_WHEEL=dist/wagtail_heurecivique-….whl scripts/check-host.sh
#
# PY builds the wheel (unless HC_WHEEL names one); PYTHON is the Python the host runs on;
# HC_PIP_CONSTRAINTS are the host's own requirements (default: whatever pip picks);
# HC_HOST_WORK is the throwaway directory (venv, site, snapshots, e-mails, and the Redis the
# README's production settings use: redis-server must be installed; HC_REDIS_ROOT and
# HC_REDIS_PORT may place it elsewhere).
set -euo pipefail
# A wheel given by the caller is found from where the caller stands.
HC_WHEEL="${HC_WHEEL:+$(realpath "$HC_WHEEL")}"
cd "$(dirname "$0")/.."
REPO=$PWD
PY="${PY:-.venv/bin/python}"
PYTHON="${PYTHON:-python3}"
WORK="${HC_HOST_WORK:-/tmp/heurecivique-host}"
HOST_FILES="$REPO/scripts/hosts/commune_site"
read -r -a HOST_REQUIREMENTS <<< "${HC_PIP_CONSTRAINTS:-}"

START=$(date +%s)
CURRENT="start"
step() { CURRENT=$*; echo; echo "=== [$(( $(date +%s) - START ))s] $*"; }
trap 'echo "check-host: FAILED during: $CURRENT (after $(( $(date +%s) - START ))s)" >&2' ERR
# This machine's pip configuration names local indexes that may be missing: pip warns
# about each package it looks up there. The warning says nothing about the host.
pip_noise() { grep -v "is ignored: it is neither a file nor a directory" >&2 || true; }

step "The wheel"
if [ -n "${HC_WHEEL:-}" ]; then
    wheel=$HC_WHEEL
    [ -f "$wheel" ] || { echo "HC_WHEEL=$HC_WHEEL is not a file" >&2; exit 1; }
else
    # Stale build/lib files would go into the wheel; build/ also holds screenshots: keep those.
    rm -rf build/lib build/bdist.* dist/wagtail_heurecivique-*.whl
    "$PY" -m build --wheel --outdir dist . >/dev/null
    wheel=$(ls "$REPO"/dist/wagtail_heurecivique-*.whl)
fi
echo "Wheel: $wheel"

step "A clean virtualenv with the host's requirements: wagtail ${HC_PIP_CONSTRAINTS:-(the versions pip picks)}"
rm -rf "$WORK"
mkdir -p "$WORK"
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install --quiet --upgrade pip 2> >(pip_noise)
"$VPY" -m pip install --quiet "${HOST_REQUIREMENTS[@]}" wagtail 2> >(pip_noise)
versions() { "$VPY" -c "import django, sys, wagtail; print('Python', sys.version.split()[0], '· Django', django.get_version(), '· Wagtail', wagtail.__version__)"; }
versions | tee "$WORK/versions-before"

# A Redis of its own: the README's production settings keep the rate limits and the
# sessions there (REDIS_URL). HC_REDIS_ROOT and HC_REDIS_PORT may choose its directory and
# port; it is stopped when this script ends, however it ends.
export HC_REDIS_ROOT="${HC_REDIS_ROOT:-$WORK/redis}"
export HC_REDIS_PORT="${HC_REDIS_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
trap '"$REPO/scripts/redis.sh" stop' EXIT
trap 'exit 143' TERM INT
eval "$("$REPO/scripts/redis.sh" start)"

step "The host: wagtail start communesite site, made into the Mairie de Vernon's site"
mkdir "$WORK/site"
"$WORK/venv/bin/wagtail" start communesite "$WORK/site" >/dev/null
cd "$WORK/site"
# Every command below runs the production settings (DEBUG off, manifest storage), with
# e-mails written to files; manage.py's own default is the dev settings.
export DJANGO_SETTINGS_MODULE=communesite.settings.ci
export HC_HOST_MAIL_DIR="$WORK/mail"
"$VPY" "$HOST_FILES/build_host.py"
"$VPY" manage.py makemigrations home actualites
"$VPY" manage.py migrate --noinput >/dev/null
"$VPY" manage.py collectstatic --noinput | tail -n 1
"$VPY" "$HOST_FILES/populate.py"
# The host alone is clean: any warning later is the plugin's.
"$VPY" manage.py check --fail-level WARNING

step "Snapshot of the host before the plugin"
"$VPY" "$HOST_FILES/snapshot.py" take "$WORK/snapshots/before" --expect
# Twice: if two snapshots of the same site differ, the normalisation misses something and
# a difference after the install would prove nothing.
"$VPY" "$HOST_FILES/snapshot.py" take "$WORK/snapshots/before-again"
"$VPY" "$HOST_FILES/snapshot.py" compare "$WORK/snapshots/before" "$WORK/snapshots/before-again"

step "The README's steps, taken from README.md"
STEPS="$WORK/readme-steps"
"$VPY" "$HOST_FILES/readme_steps.py" extract "$REPO/README.md" "$STEPS"

step "README step install (run as written, beside the built wheel only)"
mkdir "$WORK/wheelhouse"
cp "$wheel" "$WORK/wheelhouse/"
# The README's glob means the built file: run its command where that file is the only one.
(cd "$WORK/wheelhouse" && PATH="$WORK/venv/bin:$PATH" PIP_QUIET=1 bash -euxo pipefail "$STEPS/install.sh") 2> >(pip_noise)
# The plugin's requirements must not move the host's own Django or Wagtail.
versions > "$WORK/versions-after"
diff -u "$WORK/versions-before" "$WORK/versions-after"

step "README step settings/base.py, settings/production.py, urls.py"
"$VPY" "$HOST_FILES/readme_steps.py" append "$STEPS/settings-base.py" communesite/settings/base.py
"$VPY" "$HOST_FILES/readme_steps.py" append "$STEPS/settings-production.py" communesite/settings/production.py
"$VPY" "$HOST_FILES/readme_steps.py" urls "$STEPS/urls.py" communesite/urls.py

step "README step commands (run as written, the host's python first on PATH)"
PATH="$WORK/venv/bin:$PATH" bash -euxo pipefail "$STEPS/commands.sh"

step "check --fail-level WARNING, migrate, collectstatic with the manifest storage"
"$VPY" manage.py check --fail-level WARNING
"$VPY" manage.py migrate --noinput
"$VPY" manage.py collectstatic --noinput | tail -n 1

step "Snapshot after: the host's pages must be unchanged"
"$VPY" "$HOST_FILES/snapshot.py" take "$WORK/snapshots/after"
"$VPY" "$HOST_FILES/snapshot.py" compare "$WORK/snapshots/before" "$WORK/snapshots/after"

step "The programme, in French, in this English site: through the admin and the public doors"
"$VPY" "$HOST_FILES/programme.py"

step "Done"
echo "The wheel installs into a multilingual commune site ($(cat "$WORK/versions-after")) following the README, changes none of its pages, and the programme works there in French."
