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

include mk/terraform.mk
include mk/web.mk
include mk/contract.mk

.PHONY: help setup local token test rust-fmt rust-lint rust-test emulator-test tf-local-apply smoke smoke-local scripts-test lambda-zip bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

setup: ## Check prerequisites and install the project's tools into .tools/
	@bash scripts/setup.sh

local: setup web-build ## Run the local stage (web app on http://127.0.0.1:8081, API on :8080) until Ctrl-C
	cargo build --quiet -p lendverify-local-stage
	LENDVERIFY_ROOT=$(CURDIR) ./target/debug/lendverify-local-stage

token: ## Print an ID token for USER (default alice@example.com) of the running local stage
	@$(VENV)/bin/python scripts/local_token.py --user "$(or $(USER_EMAIL),alice@example.com)"

test: setup rust-fmt rust-lint tf-check tf-local-apply emulator-test rust-test smoke-local web-test ## Run every check and test
	@echo "make test: every check passed (fmt, clippy, Terraform checks, local apply/destroy, emulator, cargo, smoke, web)"
	@# The closing line sums every cargo test binary (unit, handler and end-to-end tests).
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "total: %d passed, %d failed\n", p, f}' $(BUILD)/cargo-test.log

rust-fmt: ## cargo fmt --check
	cargo fmt --all -- --check

rust-lint: ## clippy with -D warnings
	cargo clippy --workspace --all-targets --quiet -- -D warnings

rust-test: setup ## Unit tests and the end-to-end tests (moto + emulator + local stage)
	mkdir -p $(BUILD)
	cargo test --workspace --no-fail-fast 2>&1 | tee $(BUILD)/cargo-test.log

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
	cargo lambda build --release --arm64 --output-format zip -p lendverify-functions --bin bootstrap --lambda-dir $(BUILD)/cargo-lambda
	mkdir -p $(LAMBDA)
	cp $(BUILD)/cargo-lambda/bootstrap/bootstrap.zip $(LAMBDA)/bootstrap.zip
	cd $(LAMBDA) && sha256sum bootstrap.zip > SHA256SUMS && cat SHA256SUMS
	@ls -l $(LAMBDA)/bootstrap.zip

bench: lambda-zip ## Zip size and cold-init time of the bootstrap binary (medians)
	bash scripts/bench.sh

clean: ## Remove build outputs (keeps .tools/)
	cargo clean
	rm -rf $(BUILD)
