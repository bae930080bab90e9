# How make test schedules the work that waits on moto. Starting a local stage takes about two
# minutes, nearly all of it the terraform apply of environments/local waiting out the AWS
# provider's propagation checks (each SQS queue and queue policy ~25 s and the KMS key ~13 s, one
# after another; the S3 lifecycle rules ~56 s beside them), not CPU. So that wait is shared or
# overlapped instead of being paid once per suite; every target named here still runs alone.
#
# stage-suites: make smoke-local, make contract-test and make web-e2e each start a stage of their
# own when run alone; make test runs the three against one stage. Sharing is safe because every
# suite creates its own users (random names) and applications, and the suites run one after
# another. The contract test runs first: its 4xx check compares every table and bucket before and
# after each write, so nothing another suite started may still be settling (a lending job's
# completion, a webhook delivery) while it runs.

.PHONY: stage-suites rust-test-beside-tf-local-apply

stage-suites: setup scripts-test web-lint web-unit ## contract-test, smoke-local and web-e2e against one fresh local stage (make test)
	cargo build --quiet -p lendverify-local-stage
	@# All three run, as they would one after another; any failing fails the target.
	bash scripts/with-local-stage.sh stage-suites bash -c 'status=0; \
	  bash tests/contract/run.sh || status=1; \
	  bash scripts/smoke-local.sh || status=1; \
	  (cd $(WEB) && LENDVERIFY_STAGE_JSON="$$LOCAL_STAGE_JSON" npm run e2e) || status=1; \
	  exit $$status'

# make test runs tf-local-apply (about four minutes, nearly all terraform waiting out the same
# propagation checks, on a moto of its own, and little CPU) beside rust-test (compiling, then the
# end-to-end binaries). tf-local-apply's output is printed whole when both have ended; either
# failing fails this target. Both stay runnable alone.
rust-test-beside-tf-local-apply: setup
	mkdir -p $(BUILD)
	$(MAKE) --no-print-directory tf-local-apply >$(BUILD)/tf-local-apply.log 2>&1 & tf_local_apply=$$!; \
	  status=0; $(MAKE) --no-print-directory rust-test || status=$$?; \
	  wait $$tf_local_apply || status=$$?; \
	  echo "tf-local-apply (beside rust-test; its output, also in $(BUILD)/tf-local-apply.log):"; \
	  cat $(BUILD)/tf-local-apply.log; \
	  exit $$status
