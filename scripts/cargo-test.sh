#!/usr/bin/env bash
# make rust-test: every cargo test of the workspace, unit to end-to-end, with the output in <log>:
#
#   scripts/cargo-test.sh <log>
#
# The same tests as `cargo test --workspace --no-fail-fast`, in less time: cargo runs test binaries
# one after another, and each end-to-end binary (the [[test]] targets of tests/e2e) first starts a
# local stage of its own, about two minutes that are nearly all `terraform apply` waiting out the
# AWS provider's propagation checks on moto. Here every end-to-end binary starts at once, so the
# stages come up together (and beside the other tests), and each binary keeps its own stage as
# before. Their scenarios still run one binary at a time: once its stage is up, a binary waits for
# the turn lock (tests/e2e/support/lib.rs, wait_for_turn) and holds it until it exits.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

log="$1"
e2e_package=lendverify-e2e # tests/e2e/Cargo.toml
mkdir -p "$(dirname "$log")"
# Absolute: the binaries run from tests/e2e.
e2e_dir="$(cd "$(dirname "$log")" && pwd -P)/e2e"
mkdir -p "$e2e_dir"
rm -f "$e2e_dir"/*.log

# Build every test binary once; cargo's JSON names the end-to-end package's executables (its
# [[test]] targets and its support library's unit tests). They are run here, not by a second cargo
# test -p, whose narrower feature set would rebuild the handler crates.
cargo test --workspace --no-run --message-format=json-render-diagnostics >"$e2e_dir/build.json"
mapfile -t e2e_binaries < <(python3 - "$e2e_dir/build.json" "$root/tests/e2e/Cargo.toml" <<'PY'
import json, sys
messages, manifest = sys.argv[1], sys.argv[2]
for line in open(messages):
    message = json.loads(line)
    if (message.get("reason") == "compiler-artifact" and message.get("manifest_path") == manifest
            and message.get("executable")):
        print(f'{message["target"]["name"]}\t{message["executable"]}')
PY
)
[ "${#e2e_binaries[@]}" -gt 0 ] || { echo "cargo-test: no test binaries of $e2e_package found" >&2; exit 1; }

# Terraform's plugin cache (scripts/terraform-env.sh) is not safe for inits that fill it at the
# same time: one init first, so that the stages' inits side by side only link the provider from it.
(
  source scripts/terraform-env.sh
  TF_DATA_DIR="$e2e_dir/terraform-init" terraform -chdir=environments/local init -input=false -no-color >/dev/null
)

# As cargo runs a test binary: from its package's directory.
export LENDVERIFY_E2E_TURN_LOCK="$e2e_dir/turn.lock"
declare -A e2e_pids
started=$SECONDS
for entry in "${e2e_binaries[@]}"; do
  name="${entry%%$'\t'*}"
  executable="${entry#*$'\t'}"
  echo "cargo-test: $name started beside the others (output: $e2e_dir/$name.log)"
  (cd tests/e2e && exec "$executable") >"$e2e_dir/$name.log" 2>&1 &
  e2e_pids[$name]=$!
done

# Everything else, as `cargo test` would run it, while the stages start.
status=0
cargo test --workspace --no-fail-fast --exclude "$e2e_package" 2>&1 | tee "$log" || status=1

for entry in "${e2e_binaries[@]}"; do
  name="${entry%%$'\t'*}"
  e2e_status=0
  wait "${e2e_pids[$name]}" || e2e_status=$?
  {
    echo "     Running $name (tests/e2e, side by side; exit $e2e_status after $((SECONDS - started)) s)"
    cat "$e2e_dir/$name.log"
  } | tee -a "$log"
  [ "$e2e_status" -eq 0 ] || status=1
done
exit "$status"
