# The API contract: the OpenAPI document as a reference page, and schemathesis against the local stage.

CONTRACT_VENV := .tools/contract-venv
API_DOCS      := docs/api

.PHONY: docs contract-test

docs: setup ## Render the OpenAPI document as a static API reference page (build/api/index.html)
	mkdir -p $(BUILD)/api
	python3 scripts/render_openapi.py --out $(BUILD)/api/openapi.yaml
	$(API_DOCS)/node_modules/.bin/redocly lint --config $(API_DOCS)/redocly.yaml $(BUILD)/api/openapi.yaml
	$(API_DOCS)/node_modules/.bin/redocly build-docs --config $(API_DOCS)/redocly.yaml $(BUILD)/api/openapi.yaml --output $(BUILD)/api/index.html
	@echo "docs: $(BUILD)/api/index.html"

contract-test: setup ## schemathesis (pinned, fixed seed, two users) against a fresh local stage; 4xx must write nothing
	cargo build --quiet -p lendverify-local-stage
	bash tests/contract/run.sh
