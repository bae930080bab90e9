# The applicant web app (web/), included by the root Makefile. Node packages come from
# web/package-lock.json (npm ci in scripts/setup.sh); browser tests drive Debian's chromium.
#
#   make web-build              # once: web/dist, the same bytes for every environment
#   make web-deploy ENV=dev     # that build + environments/dev's config.json -> its Amplify branch

WEB := web

.PHONY: web-build web-lint web-unit web-e2e web-test web-deploy

web-build: setup ## Build web/ once (dist/, no config.json inside) and report the gzipped bundle sizes
	cd $(WEB) && npm run build

web-lint: setup ## ESLint (0 warnings) and the TypeScript check of web/
	cd $(WEB) && npm run lint && npm run typecheck

web-unit: web-build ## Vitest unit and component tests of web/, incl. the first-screen bundle budget
	cd $(WEB) && npm test

web-e2e: web-build ## Browser tests in headless chromium against a fresh local stage (screenshots: build/web-e2e/)
	cargo build --quiet -p lendverify-local-stage
	cd $(WEB) && npm run e2e

web-test: web-lint web-unit web-e2e ## Every check of the web app

web-deploy: ## Deploy web/dist to ENV's Amplify branch with ENV's config.json (after make tf-apply ENV=...)
	bash scripts/web-deploy.sh "$(ENV)"
