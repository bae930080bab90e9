# Terraform targets for LendVerify, included by the root Makefile. Every recipe runs the checks tool
# (scripts/lendverify_terraform, standard-library Python) so CI and laptops run the same commands.
#
# Quality gate (never deploys or publishes):  make tf-check
# Deploy steps:
#   make tf-apply ENV=prod ARTIFACT_BUCKET=b ARTIFACT_KEY=lambda/<sha>/bootstrap.zip ARTIFACT_SHA256=<sha>
#   make tf-artifact-publish ARTIFACT_BUCKET=b   (prints artifact_sha256=... and artifact_key=...)
#   CI: make tf-deploy-plan ENV=prod ARTIFACT_...=..., then after approval make tf-deploy-apply ENV=prod PLAN_SHA256=<sha>

TF_TOOL := PYTHONPATH=$(CURDIR)/scripts python3 -m lendverify_terraform
ENV ?= dev
MOTO_ENDPOINT ?= http://127.0.0.1:5000
# Only CI needs this: machines without a hashicorp/aws mirror build one here (tf-provider-mirror)
# and export TF_PROVIDER_MIRROR so scripts/terraform-env.sh uses it.
TF_PROVIDER_MIRROR ?= $(CURDIR)/.tools/tf-mirror
# Where tf-plan-diff finds the plans to compare with (terraform show -json of each ENV).
PLANS_BEFORE ?= /tmp/plans-before

# Promotion: staging and prod deploy the bytes dev deployed, named by their digest (the stack refuses
# anything else there: terraform/variables.tf, promoted_artifact_only).
ARTIFACT_BUCKET ?=
ARTIFACT_KEY ?=
ARTIFACT_SHA256 ?=
# The digest of the saved plan the plan job reported (tf-deploy-apply refuses any other file).
PLAN_SHA256 ?=

.PHONY: tf-tool-test tf-fmt tf-validate tf-test tf-plan tf-functions tf-checkov tf-check tf-plan-diff \
	tf-apply tf-deploy-plan tf-deploy-apply tf-artifact-publish tf-apply-local tf-destroy-local tf-provider-mirror

tf-tool-test: setup ## The checks tool's own tests (plan checks, STS stub, filler, plan diff, function list)
	$(VENV)/bin/python -m pytest -q scripts/lendverify_terraform/tests

tf-fmt: ## terraform fmt -check over modules/ terraform/ environments/ tests/terraform-mocks
	$(TF_TOOL) fmt

tf-validate: ## init -backend=false + validate every module, terraform/ and every environment root
	$(TF_TOOL) validate

tf-test: ## terraform test (mock provider) in every module and root with tests
	$(TF_TOOL) test

tf-plan: ## Offline plan of ENV (dev|staging|prod) -> build/plans/ENV.{tfplan,json}, then its plan checks
	$(TF_TOOL) plan $(ENV)

tf-functions: ## The function list agrees in terraform/, modules/api, the OpenAPI template, routes.rs, README
	$(TF_TOOL) functions

tf-checkov: ## checkov over the sources and the three plans (needs tf-plan for each ENV), 0 failed
	$(TF_TOOL) checkov

tf-check: tf-tool-test ## The Terraform gate: tool tests, fmt, validate, test, offline plans, function list, checkov
	$(TF_TOOL) check

tf-plan-diff: ## Compare build/plans/*.json with PLANS_BEFORE/*.json resource for resource (moved blocks followed)
	$(TF_TOOL) plan-diff "$(PLANS_BEFORE)"

tf-apply: ## Deploy: real apply of ENV with its backend (staging/prod: ARTIFACT_BUCKET/KEY/SHA256)
	ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" ARTIFACT_KEY="$(ARTIFACT_KEY)" ARTIFACT_SHA256="$(ARTIFACT_SHA256)" \
	  $(TF_TOOL) apply $(ENV)

# The reviewed deploy CI runs (deploy-environment.yml): the plan job saves the plan and shows it, the
# apply job (behind the environment's approval) applies exactly that file.
tf-deploy-plan: ## Deploy (CI): saved plan of ENV -> build/deploy/ENV/{tfplan,plan.txt,manifest.json}
	ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" ARTIFACT_KEY="$(ARTIFACT_KEY)" ARTIFACT_SHA256="$(ARTIFACT_SHA256)" \
	  $(TF_TOOL) deploy-plan $(ENV)

tf-deploy-apply: ## Deploy (CI): terraform apply build/deploy/ENV/tfplan once its digest equals PLAN_SHA256
	ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" ARTIFACT_KEY="$(ARTIFACT_KEY)" ARTIFACT_SHA256="$(ARTIFACT_SHA256)" \
	  PLAN_SHA256="$(PLAN_SHA256)" $(TF_TOOL) deploy-apply $(ENV)

tf-artifact-publish: ## Deploy: upload build/lambda/bootstrap.zip to ARTIFACT_BUCKET under lambda/<sha256>/
	@ARTIFACT_BUCKET="$(ARTIFACT_BUCKET)" $(TF_TOOL) artifact-publish

tf-apply-local: ## Apply environments/local against the moto at MOTO_ENDPOINT
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_TOOL) apply-local

tf-destroy-local: ## Destroy environments/local against the moto at MOTO_ENDPOINT
	MOTO_ENDPOINT="$(MOTO_ENDPOINT)" $(TF_TOOL) destroy-local

tf-provider-mirror: ## (CI) build a hashicorp/aws filesystem mirror in TF_PROVIDER_MIRROR if absent
	@$(TF_TOOL) provider-mirror "$(TF_PROVIDER_MIRROR)"
