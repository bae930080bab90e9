#!/usr/bin/env bash
# Deploys the one build of web/ (web/dist, built once by `make web-build` or the CI build job) to
# an environment's Amplify branch, with that environment's config.json from its Terraform outputs.
# The JavaScript and CSS bytes are identical in every environment; only config.json differs.
#
#   scripts/web-deploy.sh dev     (after make tf-apply ENV=dev, with AWS credentials of that account)
set -euo pipefail
env_name="${1:?usage: web-deploy.sh <dev|staging|prod>}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f web/dist/index.html ] || { echo "web-deploy: web/dist is missing: make web-build (or download the CI artifact)" >&2; exit 1; }
[ ! -e web/dist/config.json ] || { echo "web-deploy: web/dist must not contain a config.json (it is per environment)" >&2; exit 1; }
for tool in terraform aws zip curl python3; do
  command -v "$tool" >/dev/null || { echo "web-deploy: $tool is required" >&2; exit 1; }
done

outputs="$(terraform -chdir="environments/$env_name" output -json stack)"
read_output() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<<"$outputs"; }
app_id="$(read_output amplify_app_id)"
branch="$(read_output amplify_branch_name)"

stage_dir="build/web-deploy/$env_name"
rm -rf "$stage_dir" && mkdir -p "$stage_dir"
cp -R web/dist/. "$stage_dir/site"
read_output web_config_json >"$stage_dir/site/config.json"
(cd "$stage_dir/site" && zip -qr ../site.zip .)
echo "web-deploy: $env_name: $(sha256sum web/dist/assets/*.js | sha256sum | cut -c1-16) (JS digest), config.json:"
cat "$stage_dir/site/config.json"; echo

read -r job_id upload_url < <(aws amplify create-deployment --app-id "$app_id" --branch-name "$branch" \
  --query '[jobId, zipUploadUrl]' --output text)
curl --fail --silent --show-error -T "$stage_dir/site.zip" "$upload_url"
aws amplify start-deployment --app-id "$app_id" --branch-name "$branch" --job-id "$job_id" >/dev/null
echo "web-deploy: $env_name: Amplify job $job_id started on branch $branch of app $app_id"
