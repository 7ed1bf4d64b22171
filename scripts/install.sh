#!/usr/bin/env bash
# Install scenario-kb into ./.venv (Python 3.11+). torch is installed first, pinned to the CPU build 2.13.0.
# Usage: bash scripts/install.sh [--test]   (--test adds the test tools and Debian's chromium for browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q "torch==2.13.0"
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null \
        || echo "warning: apt-get could not install chromium/fonts; browser and PDF tests will be skipped" >&2
    fi
    # PostgreSQL binaries for the tests' throwaway server (tests/pg_server.py); the tests never use a system cluster
    if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q postgresql >/dev/null \
        || echo "warning: apt-get could not install postgresql; PostgreSQL tests will be skipped" >&2
    fi
  fi
else
  .venv/bin/python -m pip install -q -e .
fi
