#!/usr/bin/env bash
# Installs everything LendVerify needs into project-local folders (.tools/), after checking the
# three prerequisites: Rust (cargo), Python 3.10+ and Terraform 1.11+ with a hashicorp/aws mirror.
# Safe to run again: the venv is rebuilt only when a requirements file changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

missing=0
need() { # name, check command, how to get it
  if ! eval "$2" >/dev/null 2>&1; then
    echo "MISSING: $1 — $3" >&2
    missing=1
  fi
}
need "Rust toolchain (cargo, rustfmt, clippy)" "cargo --version && cargo fmt --version && cargo clippy --version" \
  "install rustup from your OS packages, then: rustup component add rustfmt clippy"
need "Python 3.10+" "python3 -c 'import sys, venv; assert sys.version_info >= (3, 10)'" \
  "install python3 (with the venv module) from your OS packages"
need "Node.js 20.19+ and npm (the web app)" "node -e 'const [a,b]=process.versions.node.split(\".\").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' && npm --version" \
  "install Node.js 20.19 or newer (with npm) from your OS packages or nodejs.org"
need "Terraform 1.11+" "terraform version -json | python3 -c 'import json,sys; v=json.load(sys.stdin)[\"terraform_version\"].split(\".\"); assert (int(v[0]), int(v[1])) >= (1, 11)'" \
  "install Terraform 1.11 or newer"
if [ "$missing" -ne 0 ]; then
  echo "setup: prerequisites missing (see above); nothing was installed." >&2
  exit 1
fi
# Also checks the provider mirror, loudly.
source scripts/terraform-env.sh

venv=.tools/venv
requirements=(emulator/requirements.txt emulator/requirements-dev.txt scripts/requirements-tools.txt)
stamp="$venv/.requirements.sha256"
want="$(cat "${requirements[@]}" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python tools into $venv (moto, checkov, cargo-lambda, pytest, zizmor) ..."
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  (cd emulator && "$root/$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt)
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-tools.txt
  echo "$want" >"$stamp"
fi
for tool in moto_server checkov cargo-lambda pytest zizmor; do
  [ -x "$venv/bin/$tool" ] || { echo "setup: $venv/bin/$tool is missing after install" >&2; exit 1; }
done

# The contract test's schemathesis in a venv of its own: it needs pytest>=8.4 and so packaging>=24,
# which checkov (packaging<24) in the project venv excludes.
contract_venv=.tools/contract-venv
contract_stamp="$contract_venv/.requirements.sha256"
contract_want="$(sha256sum scripts/requirements-contract.txt | cut -d' ' -f1)"
if [ ! -x "$contract_venv/bin/st" ] || [ "$(cat "$contract_stamp" 2>/dev/null)" != "$contract_want" ]; then
  echo "setup: installing the contract test's tools into $contract_venv (schemathesis) ..."
  python3 -m venv "$contract_venv"
  "$contract_venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-contract.txt
  echo "$contract_want" >"$contract_stamp"
fi

# The browser tests' fake-camera videos (web/e2e/face_video.py): scikit-image's photographs, in a
# venv of its own because scikit-image needs networkx>=3, which checkov (networkx<2.7) excludes.
media_venv=.tools/media-venv
media_stamp="$media_venv/.requirements.sha256"
media_want="$(sha256sum web/e2e/requirements-media.txt | cut -d' ' -f1)"
if [ ! -x "$media_venv/bin/python" ] || [ "$(cat "$media_stamp" 2>/dev/null)" != "$media_want" ]; then
  echo "setup: installing the browser tests' video tools into $media_venv (scikit-image) ..."
  python3 -m venv "$media_venv"
  "$media_venv/bin/pip" install --quiet --disable-pip-version-check -r web/e2e/requirements-media.txt
  echo "$media_want" >"$media_stamp"
fi

# The API reference renderer (make docs), exactly as docs/api/package-lock.json pins it.
docs_stamp="docs/api/node_modules/.package-lock.sha256"
docs_want="$(sha256sum docs/api/package-lock.json | cut -d' ' -f1)"
if [ ! -d docs/api/node_modules ] || [ "$(cat "$docs_stamp" 2>/dev/null)" != "$docs_want" ]; then
  echo "setup: installing the API reference renderer (npm ci in docs/api/) ..."
  (cd docs/api && npm ci --no-audit --no-fund --loglevel=error)
  echo "$docs_want" >"$docs_stamp"
fi

# The web app's packages, exactly as web/package-lock.json pins them (reinstalled when it changes).
web_stamp="web/node_modules/.package-lock.sha256"
web_want="$(sha256sum web/package-lock.json | cut -d' ' -f1)"
if [ ! -d web/node_modules ] || [ "$(cat "$web_stamp" 2>/dev/null)" != "$web_want" ]; then
  echo "setup: installing the web app's Node packages (npm ci in web/) ..."
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "$web_want" >"$web_stamp"
fi

# The browser tests drive Debian's chromium through playwright-core; no browser is downloaded.
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium (Debian package) for the web app's browser tests ..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null \
    || { echo "setup: could not install chromium with apt-get; install the chromium package" >&2; exit 1; }
fi
echo "setup: ok"
