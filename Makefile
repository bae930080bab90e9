# LendVerify. The two commands a fresh machine needs:
#   make local   # the whole mortgage flow on this machine (moto + emulator + Terraform + handlers)
#   make test    # every check and test; .ci/run calls exactly this
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV      := .tools/venv
BUILD     := build
LAMBDA    := $(BUILD)/lambda
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Tests never reach a real AWS account: no ambient profile leaks in (an empty AWS_PROFILE would
# break botocore inside moto, so the variables are removed, not blanked).
unexport AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_EC2_METADATA_DISABLED := true
# Every build here starts from a clean target/ on CI: incremental caches (2 GB on a clean `make test`)
# buy nothing there and are what fills a small CI disk. A developer's own cargo keeps them.
export CARGO_INCREMENTAL ?= 0

include mk/terraform.mk
include mk/web.mk
include mk/contract.mk
include mk/local-stage.mk

.PHONY: help setup local token test rust-fmt rust-lint workflow-audit rust-test emulator-test tf-local-apply smoke smoke-local scripts-test lambda-zip lambda-zip-check bench bench-floor cost load redrive clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

setup: ## Check prerequisites and install the project's tools into .tools/
	@bash scripts/setup.sh

local: setup web-build ## Run the local stage (web app on http://127.0.0.1:8081, API on :8080) until Ctrl-C
	cargo build --quiet -p lendverify-local-stage
	LENDVERIFY_ROOT=$(CURDIR) ./target/debug/lendverify-local-stage

token: ## Print an ID token for USER_EMAIL (default alice@example.com) of the running local stage; GROUP=reviewers for a reviewer
	@$(VENV)/bin/python scripts/local_token.py --user "$(or $(USER_EMAIL),alice@example.com)" $(if $(GROUP),--group "$(GROUP)")

test: setup rust-fmt rust-lint workflow-audit tf-check emulator-test rust-test-beside-tf-local-apply stage-suites ## Run every check and test
	@echo "make test: every check passed (fmt, clippy, workflow audit, Terraform checks, local apply/destroy, emulator, cargo, smoke, contract, web)"
	@# The closing line sums every cargo test binary (unit, handler and end-to-end tests).
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "total: %d passed, %d failed\n", p, f}' $(BUILD)/cargo-test.log

rust-fmt: ## cargo fmt --check
	cargo fmt --all -- --check

rust-lint: ## clippy with -D warnings
	cargo clippy --workspace --all-targets --quiet -- -D warnings

workflow-audit: setup ## zizmor (offline) over the GitHub workflows: no findings
	zizmor --offline --min-severity low .github/workflows

rust-test: setup ## Unit tests and the end-to-end tests (moto + emulator + local stage); e2e stages start side by side
	bash scripts/cargo-test.sh $(BUILD)/cargo-test.log

emulator-test: setup ## The Rekognition/Textract emulator's own tests
	cd emulator && ../$(VENV)/bin/python -m pytest -q tests

tf-local-apply: setup ## terraform apply and destroy of environments/local against a fresh moto
	$(TF_TOOL) local-apply-check

# Standard-library Python only, so a deploy job needs no venv. ENV=<env> on the command line reads the
# stage's outputs from environments/<env> (an ENV inherited from the shell is ignored: sh uses that
# name for its start-up file). AWS_PROFILE, unexported above for the tests, is passed on when set so
# terraform can read the environment's state.
smoke: ## Smoke-test a deployed stage: ENV=dev|staging (or SMOKE_API_URL...), SMOKE_USERNAME, SMOKE_PASSWORD
	$(if $(AWS_PROFILE),AWS_PROFILE="$(AWS_PROFILE)") python3 scripts/smoke.py $(if $(filter command line,$(origin ENV)),--env "$(ENV)")

smoke-local: setup scripts-test ## The smoke test against a fresh local stage (as local, then as on AWS)
	cargo build --quiet -p lendverify-local-stage
	bash scripts/smoke-local.sh

scripts-test: setup ## Unit tests of scripts/ (the smoke test's SRP sign-in, fixtures, settings, steps)
	$(VENV)/bin/python -m pytest -q scripts/tests

lambda-zip: setup ## Build the arm64 provided.al2023 bootstrap zip once, with SHA256SUMS
	@rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
	cargo lambda build --release --arm64 --output-format zip -p lendverify-functions --bin bootstrap --lambda-dir $(BUILD)/cargo-lambda
	mkdir -p $(LAMBDA)
	cp $(BUILD)/cargo-lambda/bootstrap/bootstrap.zip $(LAMBDA)/bootstrap.zip
	cd $(LAMBDA) && sha256sum bootstrap.zip > SHA256SUMS && cat SHA256SUMS
	@ls -l $(LAMBDA)/bootstrap.zip

# Not in make test: it needs the arm64 release build (minutes here) and qemu-user. The deploy
# workflow's build job runs it on the zip it publishes.
lambda-zip-check: ## Boot the arm64 bootstrap of build/lambda/bootstrap.zip under qemu: every function answers its events
	bash scripts/lambda-zip-check.sh

# Not in make test (a release build takes minutes here); one cold start per function on the same
# harness is, in cargo test (handlers/functions/tests/cold_start.rs). The arm64 zip's size is
# reported when make lambda-zip has built it.
bench: setup ## Cold starts of every function on the Lambda Runtime API harness -> build/bench.md (RUNS=20)
	bash scripts/bench.sh

bench-floor: setup ## The floor under a per-function binary: runtime-floor's init beside bootstrap's -> build/bench-floor.md
	bash scripts/bench.sh --floor

cost: ## AWS cost of one application and of 10,000 and 1,000,000 a month (prices: pricing/us-east-1.json)
	python3 scripts/cost.py

# Not in make test: a release build takes minutes here, and figures are for the README, not a gate
# (but a request that fails fails the run). autocannon from npm, pinned, installed into .tools/.
AUTOCANNON_VERSION := 9.0.0
load: setup ## Bounded load test of a fresh local stage, release build, loopback (LOAD_REQUESTS, LOAD_CONCURRENCY)
	cargo build --release --quiet -p lendverify-local-stage
	@[ -x .tools/autocannon/node_modules/.bin/autocannon ] || npm install --silent --no-fund --no-audit --prefix .tools/autocannon autocannon@$(AUTOCANNON_VERSION)
	LOCAL_STAGE_BINARY=target/release/lendverify-local-stage bash scripts/with-local-stage.sh load $(VENV)/bin/python scripts/load_test.py

# ENV as for smoke (only from the command line). local = the running make local stage.
redrive: setup ## Move the lending DLQ's messages back to the completion queue: ENV=local|dev|staging|prod
	$(if $(filter command line,$(origin ENV)),,$(error make redrive needs ENV=local|dev|staging|prod))
	$(if $(AWS_PROFILE),AWS_PROFILE="$(AWS_PROFILE)") $(VENV)/bin/python scripts/redrive.py --env "$(ENV)"

clean: ## Remove build outputs (keeps .tools/)
	cargo clean
	rm -rf $(BUILD)
