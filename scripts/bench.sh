#!/usr/bin/env bash
# Benchmarks of the Lambda artifact: the arm64 zip's size (from `make lambda-zip`) and the
# bootstrap's cold-init time, medians over repeated runs. Init is measured on a native release
# build of the same code on this host: the arm64 binary cannot run here, and init is dominated by
# configuration and SDK client construction, which do not depend on the architecture.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
zip=build/lambda/bootstrap.zip
[ -f "$zip" ] || { echo "bench: $zip missing; run make lambda-zip" >&2; exit 1; }
zip_bytes=$(stat -c %s "$zip")
binary_bytes=$(unzip -Z -t "$zip" | awk '{print $3}')
echo "zip: $zip_bytes bytes ($(( zip_bytes / 1024 )) KiB), bootstrap unzipped: $binary_bytes bytes (arm64, provided.al2023)"

cargo build --release --quiet -p lendverify-functions --bin bootstrap
for handler in applications verify-identity lending-analysis-completed; do
  .tools/venv/bin/python scripts/bench_init.py target/release/bootstrap --handler "$handler" --runs "${RUNS:-21}"
done
