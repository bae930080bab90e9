#!/usr/bin/env bash
# make contract-test: tests/contract/contract.py (schemathesis) against a fresh local stage.
# Reports (the rendered document, schemathesis' ndjson, the 4xx write log) stay in build/contract.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rm -rf build/contract
exec bash scripts/with-local-stage.sh contract-test sh -c \
  '.tools/contract-venv/bin/python tests/contract/contract.py "$LOCAL_STAGE_JSON" build/contract'
