#!/usr/bin/env bash
# make bench: cold starts of every function, measured on the Lambda Runtime API harness (bench/).
#
# Builds the native release `bootstrap` (the same code and profile as the Lambda zip: opt-level s,
# fat LTO, stripped) and the harness, then runs RUNS (default 20) cold starts of each function,
# interleaved, and writes the medians to build/bench.md (and build/bench.json). The arm64 zip cannot
# run on this host; its size is reported when `make lambda-zip` has built it, and the native binary
# is zipped the same way for a size that is always there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo build --release --quiet -p lendverify-functions --bin bootstrap
cargo build --profile bench-harness --quiet -p lendverify-bench

# make bench-floor: the floor under a per-function binary. `runtime-floor` (the Runtime API client
# and tokio, nothing else; same release profile) stands in for `sweep-erasures`, interleaved with
# `applications` on the multi-call bootstrap.
if [ "${1:-}" = "--floor" ]; then
  shift
  cargo build --release --quiet -p lendverify-bench --bin runtime-floor
  exec ./target/bench-harness/lendverify-bench \
    --bootstrap target/release/bootstrap \
    --binary sweep-erasures=target/release/runtime-floor \
    --only applications --only sweep-erasures --no-routes \
    --runs "${RUNS:-20}" \
    --out build/bench-floor.md --log-dir build/bench/logs \
    --command "make bench-floor${RUNS:+ RUNS=$RUNS}" \
    "$@"
fi

mkdir -p build/bench
native_zip=build/bench/bootstrap-native.zip
rm -f "$native_zip"
cp target/release/bootstrap build/bench/bootstrap
(cd build/bench && zip -q -9 -X bootstrap-native.zip bootstrap)
lambda_zip=build/lambda/bootstrap.zip
[ -f "$lambda_zip" ] || echo "bench: $lambda_zip not built (make lambda-zip); reporting the native zip only" >&2

./target/bench-harness/lendverify-bench \
  --bootstrap target/release/bootstrap \
  --runs "${RUNS:-20}" \
  --out build/bench.md --json build/bench.json --log-dir build/bench/logs \
  --artifact "Lambda artifact (arm64, make lambda-zip)=$lambda_zip" \
  --artifact "native $(uname -m) zip of the measured binary=$native_zip" \
  --command "make bench${RUNS:+ RUNS=$RUNS}" \
  "$@"
