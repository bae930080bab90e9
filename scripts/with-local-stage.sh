#!/usr/bin/env bash
# Runs a command against a fresh local stage:
#
#   scripts/with-local-stage.sh <name> <command> [args...]
#
# Starts target/debug/lendverify-local-stage on free ports in its own work directory (so a
# `make local` on this machine is left alone), waits for its ready line, runs the command with
# LOCAL_STAGE_JSON naming the stage's stage.json, and stops the stage by its PID whatever happens.
# <name> prefixes the messages and the work directory (make smoke-local, make contract-test).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

name="$1"
shift

python=.tools/venv/bin/python
# make load runs the release build (LOCAL_STAGE_BINARY); everything else the debug one.
stage_binary="${LOCAL_STAGE_BINARY:-target/debug/lendverify-local-stage}"
ready_line="LendVerify local stage is up."
start_timeout_seconds=300
stop_timeout_seconds=30

for needed in "$python" "$stage_binary"; do
  [ -x "$needed" ] || { echo "$name: $needed is missing (make setup; cargo build -p lendverify-local-stage)" >&2; exit 2; }
done

stage_dir="$(mktemp -d "${TMPDIR:-/tmp}/lendverify-$name.XXXXXX")"
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
      echo "$name: stopping what the stage left running: PIDs" $leftovers >&2
      kill -TERM $leftovers 2>/dev/null || true
      sleep 2
      leftovers="$(stage_leftovers)"
      if [ -n "$leftovers" ]; then kill -KILL $leftovers 2>/dev/null || true; fi
    fi
  fi
  if [ "$status" -ne 0 ] && [ -f "$stage_log" ]; then
    echo "$name: last lines of the stage's log ($stage_log):" >&2
    tail -n 30 "$stage_log" >&2 || true
    echo "$name: service logs kept in $stage_dir/logs" >&2
  else
    rm -rf "$stage_dir"
  fi
  exit "$status"
}
trap stop_stage EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
echo "$name: starting the local stage (moto, emulator, terraform apply of environments/local) ..."
# Its own session and process group (setsid), so a stage that will not stop can be killed whole.
# Port 0: a free port each, so a `make local` on the default ports is no obstacle.
LOCAL_API_PORT=0 LOCAL_MOTO_PORT=0 LOCAL_EMULATOR_PORT=0 LOCAL_WEB_PORT=0 LOCAL_LIVENESS_PORT=0 \
  LOCAL_STAGE_DIR="$stage_dir" LENDVERIFY_ROOT="$root" \
  setsid "$stage_binary" >"$stage_log" 2>&1 &
stage_pid=$!

until grep -qF "$ready_line" "$stage_log" 2>/dev/null; do
  if ! stage_running; then
    echo "$name: the local stage exited before it was ready" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$start_timeout_seconds" ]; then
    echo "$name: the local stage was not ready within ${start_timeout_seconds} s" >&2
    exit 1
  fi
  sleep 0.5
done
echo "$name: stage ready in $((SECONDS - started)) s (PID $stage_pid)"

LOCAL_STAGE_JSON="$stage_dir/stage.json" "$@"
echo "$name: done in $((SECONDS - started)) s"
