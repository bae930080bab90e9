#!/usr/bin/env bash
# make contract-test: tests/contract/contract.py (schemathesis) against a fresh local stage, or
# against the running one LOCAL_STAGE_JSON names (make stage-suites starts one stage for it, the
# smoke test and the web tests).
# Reports (the rendered document, schemathesis' ndjson, the 4xx write log) stay in build/contract.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rm -rf build/contract
contract='.tools/contract-venv/bin/python tests/contract/contract.py "$LOCAL_STAGE_JSON" build/contract'
if [ -n "${LOCAL_STAGE_JSON:-}" ]; then
  exec sh -c "$contract"
fi
exec bash scripts/with-local-stage.sh contract-test sh -c "$contract"
