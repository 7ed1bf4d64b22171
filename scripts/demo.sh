#!/usr/bin/env bash
# One command: install, build the demo knowledge base and start the workbench on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/scenario-kb --db var/demo.sqlite demo
exec .venv/bin/scenario-kb --db var/demo.sqlite serve "$@"
