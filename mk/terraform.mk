# Terraform targets for LendVerify, included by the root Makefile. Every recipe delegates to
# scripts/terraform-checks.sh so CI and laptops run the same commands.
#
#   make tf-apply ENV=prod ARTIFACT_BUCKET=b ARTIFACT_KEY=lambda/<sha>/bootstrap.zip ARTIFACT_SHA256=<sha>
#   make tf-artifact-publish ARTIFACT_BUCKET=b   (prints artifact_sha256=... and artifact_key=...)

TF_CHECKS ?= scripts/terraform-checks.sh
ENV ?= dev
MOTO_ENDPOINT ?= http://127.0.0.1:5000
# Only CI needs this: machines without a hashicorp/aws mirror build one here (tf-provider-mirror)
# and export TF_PROVIDER_MIRROR so scripts/terraform-env.sh uses it.
TF_PROVIDER_MIRROR ?= $(CURDIR)/.tools/tf-mirror

# Promotion: staging and prod deploy the bytes dev deployed, named by their digest.
ARTIFACT_BUCKET ?=
ARTIFACT_KEY ?=
ARTIFACT_SHA256 ?=

.PHONY: tf-fmt tf-validate tf-test tf-plan tf-apply tf-checkov tf-check \
	tf-artifact-publish tf-apply-local tf-destroy-local tf-require-artifact tf-provider-mirror

tf-fmt: ## terraform fmt -check over modules/ terraform/ environments/
	$(TF_CHECKS) fmt

tf-validate: ## init -backend=false + validate every module, terraform/ and every environment
	$(TF_CHECKS) validate

tf-test: ## terraform test (mock provider) in every module and environment with tests
	$(TF_CHECKS) test

tf-plan: ## Offline plan of ENV (dev|staging|prod) -> build/plans/ENV.{tfplan,json}
	$(TF_CHECKS) plan $(ENV)

tf-checkov: ## checkov over the sources and the three plans (needs tf-plan for each ENV)
	$(TF_CHECKS) checkov

tf-check: ## fmt, validate, test, offline plans of dev/staging/prod, checkov (0 failed)
	$(TF_CHECKS) all

# staging and prod never build or upload: they need the reference of an artifact already published.
tf-require-artifact:
ifneq ($(ENV),dev)
	@test -n "$(ARTIFACT_BUCKET)" -a -n "$(ARTIFACT_KEY)" -a -n "$(ARTIFACT_SHA256)" || \
	  { echo "ERROR: ENV=$(ENV) needs ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256 (promote the sha dev deployed)" >&2; exit 1; }
endif

tf-apply: tf-require-artifact ## Real apply of ENV with its backend.hcl (staging/prod: ARTIFACT_BUCKET/KEY/SHA256)
	ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" ARTIFACT_KEY="$(ARTIFACT_KEY)" ARTIFACT_SHA256="$(ARTIFACT_SHA256)" \
	  $(TF_CHECKS) apply $(ENV)

tf-artifact-publish: ## Upload build/lambda/bootstrap.zip to ARTIFACT_BUCKET under lambda/<sha256>/
	@test -n "$(ARTIFACT_BUCKET)" || { echo "ERROR: set ARTIFACT_BUCKET" >&2; exit 1; }
	@ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" $(TF_CHECKS) artifact-publish

tf-apply-local: ## Apply environments/local against the moto at MOTO_ENDPOINT
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_CHECKS) apply-local

tf-destroy-local: ## Destroy environments/local against the moto at MOTO_ENDPOINT
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_CHECKS) destroy-local

tf-provider-mirror: ## (CI) build a hashicorp/aws filesystem mirror in TF_PROVIDER_MIRROR if absent
	@test -d "$(TF_PROVIDER_MIRROR)/registry.terraform.io/hashicorp/aws" || \
	  $(TF_CHECKS) provider-mirror "$(TF_PROVIDER_MIRROR)"
