#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests (about a minute)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif [ -n "${CI:-}" ]; then
    echo "CI needs /usr/bin/chromium and cannot install it (not root or no apt-get)." >&2
    exit 1
else
    echo "Note: /usr/bin/chromium is missing, browser tests will be skipped (sudo apt-get install chromium)."
fi
