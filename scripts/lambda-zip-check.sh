#!/usr/bin/env bash
# make lambda-zip-check: boots the arm64 `bootstrap` inside build/lambda/bootstrap.zip (the bytes
# that are promoted from dev to prod) under qemu-user, on the bench harness (bench/): one cold start
# of every function, each answering every one of its real events, checked as `make bench` checks
# them. A function that does not start, or answers wrongly, fails the check. Times under emulation
# say nothing about Lambda, so the report is kept only as evidence of the answers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

zip=build/lambda/bootstrap.zip
[ -f "$zip" ] || { echo "lambda-zip-check: $zip is missing: run make lambda-zip first" >&2; exit 1; }
sysroot=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "MISSING: qemu-user and the arm64 C library; on Debian or Ubuntu: sudo apt-get install qemu-user libc6-arm64-cross" >&2
  exit 1
fi

check=build/lambda/check
rm -rf "$check"
mkdir -p "$check"
unzip -q -d "$check" "$zip"
cat >"$check/run-bootstrap" <<SH
#!/bin/sh
exec qemu-aarch64 -L $sysroot "$root/$check/bootstrap" "\$@"
SH
chmod +x "$check/run-bootstrap"

cargo build --profile bench-harness --quiet -p lendverify-bench
./target/bench-harness/lendverify-bench \
  --bootstrap "$check/run-bootstrap" \
  --runs 1 \
  --out "$check/answers.md" --log-dir "$check/logs" \
  --command "make lambda-zip-check (arm64 under qemu: times are emulated)"
echo "lambda-zip-check: the arm64 bootstrap of $zip answered every event of every function ($check/answers.md)"
