#!/usr/bin/env bash
# One command: install everything, check the architecture rules, dead code and dependencies, and run the whole
# test suite.  Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# A browser or PDF-font test that skips here (no chromium, selenium or CJK font) fails: see tests/conftest.py.
export SCENARIO_KB_REQUIRE_ALL=1
# A failing browser test leaves a screenshot and the page source here (kept by CI as an artefact).
export SCENARIO_KB_ARTIFACTS="${SCENARIO_KB_ARTIFACTS:-$PWD/test-artifacts/journeys}"
.venv/bin/lint-imports        # contracts in pyproject.toml [tool.importlinter]
.venv/bin/vulture             # settings in pyproject.toml [tool.vulture]; scripts/vulture_whitelist.py
.venv/bin/deptry .            # settings in pyproject.toml [tool.deptry]
# -rs lists every skip with its reason; exit code 5 (no tests collected) is a failure like any other.
.venv/bin/python -m pytest -q -rs -p no:cacheprovider "$@"
