#!/usr/bin/env bash
# Proves environments/local applies and destroys cleanly: starts a fresh moto on a free loopback
# port, runs terraform apply then destroy through scripts/terraform-checks.sh, and stops moto.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.tools/venv"
[ -x "$venv/bin/moto_server" ] || { echo "moto_server missing: run make setup" >&2; exit 1; }

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log="$(mktemp)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
  sleep 0.2
done
export MOTO_ENDPOINT="http://127.0.0.1:$port"
bash scripts/terraform-checks.sh apply-local
bash scripts/terraform-checks.sh destroy-local
echo "environments/local: apply and destroy against moto succeeded"
