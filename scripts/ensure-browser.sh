#!/usr/bin/env bash
# Installs what the web interface's browser test needs: Debian's chromium and chromium-driver (through
# ensure-deps.sh: apt-get as root, else the exact command to run), and Selenium and axe-selenium-python (which
# bundles axe-core's axe.min.js, for the accessibility check) from PyPI for the python3 on PATH.
# Never fails `make test`: without them the browser test SKIPS and prints "SKIPPED browser test: …" with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! scripts/ensure-deps.sh chromium chromium-driver; then
    echo "casevault: the browser test will be SKIPPED until chromium and chromium-driver are installed" >&2
fi
if ! python3 -c 'import selenium' >/dev/null 2>&1; then
    echo "casevault: installing selenium for python3 (pip)" >&2
    if ! python3 -m pip install --quiet selenium >/dev/null 2>&1; then
        echo "casevault: error: could not install selenium; the browser test will be SKIPPED" >&2
        echo "casevault: hint: run: python3 -m pip install selenium" >&2
    fi
fi
if ! python3 -c 'import axe_selenium_python' >/dev/null 2>&1; then
    echo "casevault: installing axe-selenium-python for python3 (pip)" >&2
    if ! python3 -m pip install --quiet axe-selenium-python >/dev/null 2>&1; then
        echo "casevault: warning: could not install axe-selenium-python; the browser test will skip its accessibility check" >&2
        echo "casevault: hint: run: python3 -m pip install axe-selenium-python" >&2
    fi
fi
exit 0
