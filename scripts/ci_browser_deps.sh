#!/usr/bin/env bash
# Install headless Chromium and its WebDriver (Debian packages) for the browser test.
# Idempotent and quiet; never fails the CI run: when the packages cannot be
# installed, tests/e2e/test_browser.py skips with the reason.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "ci_browser_deps: not root and no sudo; the browser test will skip" >&2; exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 \
        || echo "ci_browser_deps: apt-get could not install chromium; the browser test will skip" >&2
fi
exit 0
