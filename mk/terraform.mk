# Terraform targets for LendVerify. Included by the root Makefile (`include mk/terraform.mk`);
# every recipe delegates to scripts/terraform-checks.sh so CI and laptops run the same commands.
#
#   make tf-fmt | tf-validate | tf-test | tf-checkov     static checks
#   make tf-plan ENV=dev                                 offline plan -> build/plans/$(ENV).{tfplan,json}
#   make tf-check                                        fmt validate test plan(dev staging prod) checkov
#   make tf-apply ENV=dev                                real apply (environments/$(ENV)/backend.hcl or
#                                                        TF_STATE_BUCKET/TF_STATE_REGION)
#   make tf-apply ENV=prod ARTIFACT_BUCKET=b ARTIFACT_KEY=lambda/<sha>/bootstrap.zip ARTIFACT_SHA256=<sha>
#   make tf-artifact-publish ARTIFACT_BUCKET=b           upload build/lambda/bootstrap.zip keyed by its SHA-256
#   make tf-apply-local / tf-destroy-local MOTO_ENDPOINT=http://127.0.0.1:5000
#   make tf-tools                                        CI: checkov + moto venv, provider mirror

TF_CHECKS ?= scripts/terraform-checks.sh
ENV ?= dev
MOTO_ENDPOINT ?= http://127.0.0.1:5000

# Versions the gate was measured with; CI installs exactly these.
CHECKOV_VERSION ?= 3.3.30
MOTO_VERSION ?= 5.2.5
TF_VENV ?= .tools/venv
TF_PROVIDER_MIRROR ?= $(CURDIR)/.tools/tf-mirror

# Promotion: staging and prod deploy the bytes dev deployed, named by their digest.
ARTIFACT_BUCKET ?=
ARTIFACT_KEY ?=
ARTIFACT_SHA256 ?=

.PHONY: tf-fmt tf-validate tf-test tf-plan tf-apply tf-checkov tf-check \
	tf-artifact-publish tf-apply-local tf-destroy-local tf-require-artifact tf-tools

tf-fmt:
	$(TF_CHECKS) fmt

tf-validate:
	$(TF_CHECKS) validate

tf-test:
	$(TF_CHECKS) test

tf-plan:
	$(TF_CHECKS) plan $(ENV)

tf-checkov:
	$(TF_CHECKS) checkov

tf-check:
	$(TF_CHECKS) all

# staging and prod never build or upload: they need the reference of an artifact already published.
tf-require-artifact:
ifneq ($(ENV),dev)
	@test -n "$(ARTIFACT_BUCKET)" -a -n "$(ARTIFACT_KEY)" -a -n "$(ARTIFACT_SHA256)" || \
	  { echo "ERROR: ENV=$(ENV) needs ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256 (promote the sha dev deployed)" >&2; exit 1; }
endif

tf-apply: tf-require-artifact
	ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" ARTIFACT_KEY="$(ARTIFACT_KEY)" ARTIFACT_SHA256="$(ARTIFACT_SHA256)" \
	  $(TF_CHECKS) apply $(ENV)

tf-artifact-publish:
	@test -n "$(ARTIFACT_BUCKET)" || { echo "ERROR: set ARTIFACT_BUCKET" >&2; exit 1; }
	@ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" $(TF_CHECKS) artifact-publish

tf-apply-local:
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_CHECKS) apply-local

tf-destroy-local:
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_CHECKS) destroy-local

# CI machines have no provider mirror and no venv: create both (a laptop with them already is a no-op).
tf-tools:
	@test -x $(TF_VENV)/bin/checkov || { python3 -m venv $(TF_VENV) && \
	  $(TF_VENV)/bin/pip install --quiet "checkov==$(CHECKOV_VERSION)" "moto[server]==$(MOTO_VERSION)"; }
	@test -d "$(TF_PROVIDER_MIRROR)/registry.terraform.io/hashicorp/aws" || \
	  $(TF_CHECKS) provider-mirror "$(TF_PROVIDER_MIRROR)"
