#!/usr/bin/env bash
# make smoke-local: the smoke test (scripts/smoke.py) against a fresh local stage.
#
# scripts/with-local-stage.sh starts the stage and runs this script again inside it (with
# LOCAL_STAGE_JSON set); that run creates a throwaway user in moto's Cognito and runs the smoke
# test twice: as on the local stage (liveness completed through the emulator, identity verified)
# and as on AWS (no emulator: liveness stops after opening the session).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ -z "${LOCAL_STAGE_JSON:-}" ]; then
  exec bash scripts/with-local-stage.sh smoke-local bash "$0"
fi

python=.tools/venv/bin/python
# An assignment first, so that a failure here stops the script (set -e), then the exports.
smoke_variables="$(PYTHONPATH=scripts "$python" -m lendverify_smoke.local_stage "$LOCAL_STAGE_JSON")"
eval "$smoke_variables"

echo
"$python" scripts/smoke.py
echo
echo "smoke-local: again as on AWS (no emulator control API)"
SMOKE_EMULATOR_URL= "$python" scripts/smoke.py
