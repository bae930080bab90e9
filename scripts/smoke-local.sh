#!/usr/bin/env bash
# make smoke-local: the smoke test (scripts/smoke.py) against a fresh local stage.
#
# Starts target/debug/lendverify-local-stage on free ports in its own work directory (so a
# `make local` on this machine is left alone), waits for its ready line, creates a throwaway user
# in moto's Cognito, and runs the smoke test twice: as on the local stage (liveness completed
# through the emulator, identity verified) and as on AWS (no emulator: liveness stops after
# opening the session). The stage is stopped by its PID whatever happens.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python=.tools/venv/bin/python
stage_binary=target/debug/lendverify-local-stage
ready_line="LendVerify local stage is up."
start_timeout_seconds=300
stop_timeout_seconds=30

for needed in "$python" "$stage_binary"; do
  [ -x "$needed" ] || { echo "smoke-local: $needed is missing (make setup; cargo build -p lendverify-local-stage)" >&2; exit 2; }
done

stage_dir="$(mktemp -d "${TMPDIR:-/tmp}/lendverify-smoke.XXXXXX")"
stage_log="$stage_dir/stage.log"
stage_pid=""

# The stage itself (not a zombie waiting to be reaped).
stage_running() {
  local state
  state="$(ps -o stat= -p "$stage_pid" 2>/dev/null)" && [[ "$state" != Z* ]]
}
# What the stage started and left running, e.g. when it was stopped before its signal handler was
# installed: the members of its process group (setsid below) other than itself.
stage_leftovers() { pgrep -g "$stage_pid" | grep -vx "$stage_pid" || true; }

stop_stage() {
  local status=$? leftovers
  if [ -n "$stage_pid" ]; then
    # SIGTERM: the stage stops moto and the emulator itself.
    kill -TERM "$stage_pid" 2>/dev/null || true
    for _ in $(seq $((stop_timeout_seconds * 10))); do
      stage_running || break
      sleep 0.1
    done
    if stage_running; then kill -KILL "$stage_pid" 2>/dev/null || true; fi
    wait "$stage_pid" 2>/dev/null || true
    leftovers="$(stage_leftovers)"
    if [ -n "$leftovers" ]; then
      echo "smoke-local: stopping what the stage left running: PIDs" $leftovers >&2
      kill -TERM $leftovers 2>/dev/null || true
      sleep 2
      leftovers="$(stage_leftovers)"
      if [ -n "$leftovers" ]; then kill -KILL $leftovers 2>/dev/null || true; fi
    fi
  fi
  if [ "$status" -ne 0 ] && [ -f "$stage_log" ]; then
    echo "smoke-local: last lines of the stage's log ($stage_log):" >&2
    tail -n 30 "$stage_log" >&2 || true
    echo "smoke-local: service logs kept in $stage_dir/logs" >&2
  else
    rm -rf "$stage_dir"
  fi
  exit "$status"
}
trap stop_stage EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
echo "smoke-local: starting the local stage (moto, emulator, terraform apply of environments/local) ..."
# Its own session and process group (setsid), so a stage that will not stop can be killed whole.
# Port 0: a free port each, so a `make local` on the default ports is no obstacle.
LOCAL_API_PORT=0 LOCAL_MOTO_PORT=0 LOCAL_EMULATOR_PORT=0 LOCAL_WEB_PORT=0 \
  LOCAL_STAGE_DIR="$stage_dir" LENDVERIFY_ROOT="$root" \
  setsid "$stage_binary" >"$stage_log" 2>&1 &
stage_pid=$!

until grep -qF "$ready_line" "$stage_log" 2>/dev/null; do
  if ! stage_running; then
    echo "smoke-local: the local stage exited before it was ready" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$start_timeout_seconds" ]; then
    echo "smoke-local: the local stage was not ready within ${start_timeout_seconds} s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "smoke-local: stage ready in $((SECONDS - started)) s (PID $stage_pid)"

# An assignment first, so that a failure here stops the script (set -e), then the exports.
smoke_variables="$(PYTHONPATH=scripts "$python" -m lendverify_smoke.local_stage "$stage_dir/stage.json")"
eval "$smoke_variables"

echo
"$python" scripts/smoke.py
echo
echo "smoke-local: again as on AWS (no emulator control API)"
SMOKE_EMULATOR_URL= "$python" scripts/smoke.py
echo "smoke-local: done in $((SECONDS - started)) s"
