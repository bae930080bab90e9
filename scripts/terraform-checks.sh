#!/usr/bin/env bash
# Terraform quality gate and deploy driver for LendVerify.
#
#   scripts/terraform-checks.sh fmt             terraform fmt -check over modules/ terraform/ environments/
#   scripts/terraform-checks.sh validate        init -backend=false + validate: every module, terraform/, every env
#   scripts/terraform-checks.sh test            terraform test wherever tests/*.tftest.hcl exist
#   scripts/terraform-checks.sh plan ENV        offline plan of dev|staging|prod -> build/plans/ENV.{tfplan,json}
#   scripts/terraform-checks.sh checkov         checkov over the sources and the three plan JSONs (0 failed)
#   scripts/terraform-checks.sh apply-local     apply environments/local against moto ($MOTO_ENDPOINT)
#   scripts/terraform-checks.sh destroy-local   destroy environments/local against moto ($MOTO_ENDPOINT)
#   scripts/terraform-checks.sh apply ENV       real apply of dev|staging|prod (backend.hcl, ARTIFACT_* vars)
#   scripts/terraform-checks.sh artifact-publish  upload build/lambda/bootstrap.zip keyed by its SHA-256
#   scripts/terraform-checks.sh provider-mirror DIR  (CI) fill a filesystem mirror of hashicorp/aws
#   scripts/terraform-checks.sh all             fmt validate test plan(dev staging prod) checkov
#
# Nothing is skipped silently: a missing tool, directory or summary line is an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

die() {
  echo "ERROR: $*" >&2
  exit 1
}
log() { printf '==> %s\n' "$*" >&2; }

# CI has no provider mirror yet, so this subcommand runs before terraform-env.sh insists on one.
# The version is pinned to the one every check here was measured with.
if [ "${1:-}" = "provider-mirror" ]; then
  [ -n "${2:-}" ] || die "provider-mirror needs a target directory"
  command -v terraform >/dev/null 2>&1 || die "terraform is not on PATH"
  _mirror_root="$(mktemp -d)"
  trap 'rm -rf "$_mirror_root"' EXIT
  cat >"$_mirror_root/versions.tf" <<'HCL'
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
HCL
  mkdir -p "$2"
  terraform -chdir="$_mirror_root" providers mirror -platform=linux_amd64 "$(cd "$2" && pwd)"
  exit 0
fi

# shellcheck source=scripts/terraform-env.sh
source "$ROOT/scripts/terraform-env.sh" || die "scripts/terraform-env.sh failed (terraform or the provider mirror is missing)"
command -v terraform >/dev/null 2>&1 || die "terraform is not on PATH"

CHECKOV="${CHECKOV:-}"
if [ -z "$CHECKOV" ]; then
  if [ -x "$ROOT/.tools/venv/bin/checkov" ]; then
    CHECKOV="$ROOT/.tools/venv/bin/checkov"
  else
    CHECKOV="$(command -v checkov || true)"
  fi
fi

PLAN_DIR="$ROOT/build/plans"
DEPLOY_ENVS=(dev staging prod)
# Directories every check covers; a missing one is an error, not a skip.
TF_TOP_DIRS=(modules terraform environments)
# Shared mock data of the stack's and environments' terraform tests: formatted, not a root.
TF_FMT_DIRS=("${TF_TOP_DIRS[@]}" tests/terraform-mocks)

# Placeholder artifact for offline plans of staging/prod: a 64-hex-digit digest and a key laid out
# the way artifact-publish lays them out, so variable validation runs exactly as in a real deploy.
FAKE_SHA256="0000000000000000000000000000000000000000000000000000000000000000"

require_dirs() {
  local d
  for d in "${TF_TOP_DIRS[@]}"; do
    [ -d "$ROOT/$d" ] || die "directory $d/ is missing"
  done
}

# Every Terraform directory the gate covers: modules/*, terraform/, environments/*.
tf_dirs() {
  local d
  for d in "$ROOT"/modules/*/ "$ROOT"/terraform/ "$ROOT"/environments/*/; do
    d="${d%/}"
    # environments/common is not a root: its files are linked into dev, staging and prod.
    [ "$d" = "$ROOT/environments/common" ] && continue
    compgen -G "$d/*.tf" >/dev/null || die "${d#"$ROOT"/} holds no .tf files"
    echo "${d#"$ROOT"/}"
  done
}

declare -A INITIALISED=()
ensure_init() {
  local dir="$1" out
  [ -n "${INITIALISED[$dir]:-}" ] && return 0
  if ! out="$(terraform -chdir="$dir" init -backend=false -input=false -no-color 2>&1)"; then
    echo "$out" >&2
    die "terraform init failed in $dir"
  fi
  INITIALISED[$dir]=1
}

cmd_fmt() {
  require_dirs
  log "terraform fmt -check -recursive ${TF_FMT_DIRS[*]}"
  local failed=0 d
  for d in "${TF_FMT_DIRS[@]}"; do
    terraform fmt -check -recursive -diff "$d" || failed=1
  done
  [ "$failed" -eq 0 ] || die "terraform fmt found unformatted files (run: terraform fmt -recursive ${TF_FMT_DIRS[*]})"
  log "fmt: clean"
}

cmd_validate() {
  require_dirs
  local dir n=0 out
  while IFS= read -r dir; do
    ensure_init "$dir"
    if ! out="$(terraform -chdir="$dir" validate -no-color 2>&1)"; then
      echo "$out" >&2
      die "terraform validate failed in $dir"
    fi
    printf '  %-40s %s\n' "$dir" "$(echo "$out" | grep -m1 -E 'Success|Warning' || echo ok)"
    n=$((n + 1))
  done < <(tf_dirs)
  log "validate: $n directories valid"
}

cmd_test() {
  require_dirs
  local dir out n=0 rc
  while IFS= read -r dir; do
    compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || continue
    ensure_init "$dir"
    rc=0
    out="$(terraform -chdir="$dir" test -no-color 2>&1)" || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "$out" >&2
      die "terraform test failed in $dir"
    fi
    # terraform's own summary line, e.g. "Success! 7 passed, 0 failed."
    printf '  %-40s %s\n' "$dir" "$(echo "$out" | grep -E '^(Success|Failure)!' | tail -n 1)"
    n=$((n + 1))
  done < <(tf_dirs)
  [ "$n" -gt 0 ] || die "no tests/*.tftest.hcl found anywhere"
  log "test: $n directories passed"
}

# Offline plan: copies modules/, terraform/ and the env root into a temporary tree (so relative
# module sources still resolve and nothing is written into the working tree), adds an override
# file that swaps the S3 backend for a local one and tells the provider not to call STS/IMDS,
# then plans with fake credentials. data.aws_caller_identity (used by modules to build ARNs) has
# no skip flag, so a loopback stub answers sts:GetCallerIdentity with account 123456789012;
# every other call has nowhere to go and fails the plan loudly.
STS_STUB_PID=""
PLAN_TMP=""
plan_cleanup() {
  if [ -n "$STS_STUB_PID" ]; then kill "$STS_STUB_PID" 2>/dev/null || true; fi
  if [ -n "$PLAN_TMP" ]; then rm -rf "$PLAN_TMP"; fi
  STS_STUB_PID=""
  PLAN_TMP=""
}

start_sts_stub() {
  local portfile="$1/sts-port"
  python3 - "$portfile" <<'PY' &
import http.server, os, sys

BODY = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b'<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/offline-plan</Arn>'
        b'<UserId>AIDAOFFLINEPLAN</UserId><Account>123456789012</Account></GetCallerIdentityResult>'
        b'<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>'
        b'</ResponseMetadata></GetCallerIdentityResponse>')

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ok = b"Action=GetCallerIdentity" in body
        payload = BODY if ok else b"offline plan: only sts:GetCallerIdentity is stubbed"
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, sys.argv[1])
server.serve_forever()
PY
  STS_STUB_PID=$!
  local i
  for i in $(seq 1 50); do
    [ -s "$portfile" ] && break
    sleep 0.1
  done
  [ -s "$portfile" ] || die "the STS stub for offline plans did not start"
  cat "$portfile"
}

cmd_plan() {
  local env="${1:-}"
  case "$env" in dev | staging | prod) ;; *) die "plan needs ENV: dev, staging or prod (got '${env}')" ;; esac
  require_dirs
  [ -d "environments/$env" ] || die "environments/$env is missing"

  PLAN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/lendverify-plan-$env.XXXXXX")"
  trap plan_cleanup EXIT
  local tmp="$PLAN_TMP"

  mkdir -p "$tmp/environments"
  tar -C "$ROOT" --exclude='.terraform' --exclude='*.tfstate*' --exclude='backend.hcl' \
    -cf - modules terraform tests/terraform-mocks environments/common "environments/$env" | tar -C "$tmp" -xf -
  local root="$tmp/environments/$env"

  local sts_port
  start_sts_stub "$tmp" >"$tmp/sts-port.out"
  sts_port="$(cat "$tmp/sts-port.out")"

  cat >"$root/zz_offline_plan_override.tf" <<HCL
# Generated by scripts/terraform-checks.sh plan: offline planning only, never committed.
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {
    sts = "http://127.0.0.1:${sts_port}"
  }
}
HCL

  # The shipped example values, with the artifact replaced by a fixture below. allowed_account_ids
  # is cleared because the provider cannot check it offline.
  [ -f "$root/terraform.tfvars.example" ] || die "environments/$env/terraform.tfvars.example is missing"
  local -a vars=(-var-file=terraform.tfvars.example -var 'allowed_account_ids=[]')
  if [ "$env" = "dev" ]; then
    # dev plans the local-zip path; a real zip is needed because filebase64sha256 reads it.
    local fixture="$tmp/fixture/bootstrap.zip"
    mkdir -p "$(dirname "$fixture")"
    printf 'offline plan fixture\n' >"$tmp/fixture/bootstrap"
    (cd "$tmp/fixture" && zip -q -X bootstrap.zip bootstrap)
    vars+=(-var "artifact_local_path=$fixture")
  else
    vars+=(
      -var "artifact_s3_bucket=lendverify-artifacts-example"
      -var "artifact_s3_key=lambda/$FAKE_SHA256/bootstrap.zip"
      -var "artifact_sha256=$FAKE_SHA256"
    )
  fi

  local out
  log "plan $env (offline, in $tmp)"
  if ! out="$(env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=test \
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_PROFILE= AWS_CONFIG_FILE=/dev/null \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    terraform -chdir="$root" init -input=false -no-color 2>&1)"; then
    echo "$out" >&2
    die "terraform init failed for offline plan of $env"
  fi
  mkdir -p "$PLAN_DIR"
  if ! out="$(env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=test \
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_PROFILE= AWS_CONFIG_FILE=/dev/null \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    terraform -chdir="$root" plan -input=false -no-color -lock=false \
    "${vars[@]}" -out="$PLAN_DIR/$env.tfplan" 2>&1)"; then
    echo "$out" >&2
    die "terraform plan failed for $env"
  fi
  printf '  %-8s %s\n' "$env" "$(echo "$out" | grep -E '^Plan:' || die "no 'Plan:' summary in the $env plan output")"
  terraform -chdir="$root" show -json "$PLAN_DIR/$env.tfplan" >"$PLAN_DIR/$env.json"
  log "wrote build/plans/$env.tfplan and build/plans/$env.json"
  check_plan "$env" "$PLAN_DIR/$env.json"
  plan_cleanup
  trap - EXIT
}

# What each environment's plan must contain, checked on the real planned resources (terraform test
# with mocks checks the wiring; this checks what would actually be created), plus: no Allow of an
# IAM action "*" or "<service>:*" in any policy document known at plan time nor in any .tf source.
# Deny statements may use "s3:*" (TLS-only bucket policies must cover every present and future action).
check_plan() {
  local env="$1" json="$2"
  python3 - "$env" "$json" "$ROOT" <<'PY' || die "plan checks failed for $env"
import json, pathlib, re, sys

env, path, root = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
plan = json.load(open(path))
problems = []

def walk(module):
    for r in module.get("resources", []):
        yield r
    for c in module.get("child_modules", []):
        yield from walk(c)

resources = list(walk(plan["planned_values"]["root_module"]))
data = list(walk(plan.get("prior_state", {}).get("values", {}).get("root_module", {})))

def of_type(t):
    return [r for r in resources if r["type"] == t]

# -- no wildcard actions ---------------------------------------------------------------------
def bad_actions(doc):
    for st in doc.get("Statement", []) if isinstance(doc.get("Statement"), list) else [doc.get("Statement", {})]:
        if st.get("Effect") == "Deny":
            continue
        for key in ("Action", "NotAction"):
            acts = st.get(key, [])
            for a in [acts] if isinstance(acts, str) else acts:
                if a == "*" or a.endswith(":*"):
                    yield a

documents = 0
for r in resources + data:
    for k, v in (r.get("values") or {}).items():
        if isinstance(v, str) and v.lstrip().startswith("{") and '"Statement"' in v:
            documents += 1
            for a in bad_actions(json.loads(v)):
                problems.append(f"{r['address']}.{k}: wildcard action {a!r}")

pattern = re.compile(r'"(\*|[a-z0-9-]+:\*)"')
sources = 0
for d in ("modules", "terraform", "environments"):
    for f in (root / d).rglob("*.tf"):
        if ".terraform" in f.parts:
            continue
        sources += 1
        lines = f.read_text().splitlines()
        for n, line in enumerate(lines, 1):
            code = line.split("#", 1)[0]
            if re.search(r'(?i)\bactions?\b\s*=', code) and pattern.search(code):
                # The statement's effect sits within a few lines of its actions.
                window = "\n".join(lines[max(0, n - 6):n + 5])
                if re.search(r'(?i)\beffect\b\s*=\s*"Deny"', window):
                    continue
                problems.append(f"{f.relative_to(root)}:{n}: wildcard action: {line.strip()}")

# -- environment posture ---------------------------------------------------------------------
tables = of_type("aws_dynamodb_table")
buckets = of_type("aws_s3_bucket")
pools = of_type("aws_cognito_user_pool")
acls = of_type("aws_wafv2_web_acl")
alarms = of_type("aws_cloudwatch_metric_alarm")
log_groups = of_type("aws_cloudwatch_log_group")
functions = of_type("aws_lambda_function")

def expect(cond, msg):
    if not cond:
        problems.append(msg)

expect(len(tables) == 1, f"expected 1 DynamoDB table, got {len(tables)}")
expect(len(buckets) == 3, f"expected 3 buckets, got {len(buckets)}")
expect(len(functions) == 8, f"expected 8 functions, got {len(functions)}")
expect(all(t["values"]["point_in_time_recovery"][0]["enabled"] for t in tables), "PITR must be on")
expect(len({(f["values"].get("s3_key"), f["values"].get("filename"), f["values"].get("source_code_hash")) for f in functions}) == 1,
       "every function must deploy the same artifact")
prod_like = env in ("staging", "prod")
expect(all(t["values"]["deletion_protection_enabled"] == prod_like for t in tables), f"table deletion protection must be {prod_like}")
expect(all(b["values"]["force_destroy"] == (not prod_like) for b in buckets), f"bucket force_destroy must be {not prod_like}")
expect(all((p["values"]["deletion_protection"] == "ACTIVE") == prod_like for p in pools), "user pool deletion protection")
expect(len(acls) == 1, f"WAF web ACL count {len(acls)} (wanted 1: every AWS environment runs the WAF)")
expect((len(alarms) > 0) == prod_like, f"alarm count {len(alarms)}")
retention = {"dev": 365, "staging": 365, "prod": 2557}[env]
expect(all(g["values"]["retention_in_days"] >= retention for g in log_groups), f"log retention below {retention} days")
# Encryption settings whose key ARN is unknown until apply: asserted here on resource_changes, so the
# customer-managed key is required independently of the placeholders checkov's plan scan reads
# (scripts/plan_known_after_apply.py).
changes = {rc["address"]: rc["change"] for rc in plan["resource_changes"] if rc["mode"] == "managed"}
def set_at_apply(rtype, attr, nested=None):
    bad = []
    for r in resources:
        if r["type"] != rtype:
            continue
        after, unknown = changes[r["address"]]["after"] or {}, changes[r["address"]].get("after_unknown") or {}
        if nested:
            after = (after.get(nested) or [{}])[0]
            unknown = (unknown.get(nested) or [{}])[0] if isinstance(unknown.get(nested), list) else {}
        if not (after.get(attr) or unknown.get(attr) is True):
            bad.append(r["address"])
    return bad

for rtype, attr, nested in [
    ("aws_cloudwatch_log_group", "kms_key_id", None),
    ("aws_lambda_function", "kms_key_arn", None),
    ("aws_sns_topic", "kms_master_key_id", None),
    ("aws_sqs_queue", "kms_master_key_id", None),
    ("aws_dynamodb_table", "kms_key_arn", "server_side_encryption"),
]:
    for addr in set_at_apply(rtype, attr, nested):
        problems.append(f"{addr}: {attr} not set (must use the customer-managed key)")

sse = of_type("aws_s3_bucket_server_side_encryption_configuration")
expect(len(sse) == 3 and all(c["values"]["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms" for c in sse),
       "every bucket needs default SSE-KMS")
versioning = of_type("aws_s3_bucket_versioning")
expect(len(versioning) == 3 and all(v["values"]["versioning_configuration"][0]["status"] == "Enabled" for v in versioning),
       "every bucket needs versioning")
expect(len(of_type("aws_s3_bucket_lifecycle_configuration")) == 3, "every bucket needs a lifecycle configuration")
pab = of_type("aws_s3_bucket_public_access_block")
expect(len(pab) == 3 and all(all(p["values"][k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")) for p in pab),
       "every bucket needs a full public access block")
expect(len(of_type("aws_s3_bucket_policy")) == 3, "every bucket needs its TLS-only policy")
if prod_like:
    expect(len(of_type("aws_s3_bucket_logging")) == 3, "staging/prod buckets need server access logging")
if env != "dev":
    expect(all(f["values"].get("s3_bucket") and not f["values"].get("filename") for f in functions), f"{env} must deploy from S3")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"  {env:8} plan checks ok: {len(resources)} resources, {documents} known policy documents and {sources} .tf files without wildcard Allow actions; "
      f"deletion protection {prod_like}, WAF {len(acls)}, alarms {len(alarms)}, log retention >= {retention} d")
PY
}

# No check is skipped on the command line: every skip is an inline #checkov:skip comment with its reason
# in the resource block (modules/*), and the plan scans map back to them through
# --repo-root-for-plan-enrichment. The plans are scanned through scripts/plan_known_after_apply.py:
# the KMS key ARN and the bucket IDs are created in the same plan, so Terraform marks them
# known-after-apply and checkov would read "not set"; the script fills exactly those values (a
# placeholder, or a bucket's name for its ID) and leaves resource references in place so checkov still
# links each bucket to its versioning / SSE / lifecycle / logging / public access block resources.
# check_plan above still asserts the customer-managed key on resource_changes, independently of checkov.
#
# Measured (checkov 3.3.30, terraform 1.11.4, hashicorp/aws 5.100.0; docs/terraform.md §5), passed/failed/skipped:
#   modules 191/0/9, terraform 445/0/30, environments/{dev,staging,prod} 447/0/30 each,
#   environments/local 140/0/9, plan dev 365/0/36, plan staging 387/0/33, plan prod 387/0/33; total 3256 passed.
# Runs checkov once and prints its summary; returns the number of failed checks via CHECKOV_FAILED.
CHECKOV_TOTAL_PASSED=0
CHECKOV_TOTAL_FAILED=0
run_checkov() {
  local label="$1"
  shift
  local logf="$ROOT/build/checkov/${label//\//-}.log" rc=0
  mkdir -p "$ROOT/build/checkov"
  "$CHECKOV" --skip-download --compact --quiet -o cli "$@" >"$logf" 2>&1 || rc=$?
  local summary passed failed skipped
  summary="$(grep -E 'Passed checks: [0-9]+, Failed checks: [0-9]+' "$logf" || true)"
  if [ -z "$summary" ]; then
    cat "$logf" >&2
    die "checkov ($label) printed no summary (exit $rc)"
  fi
  # One summary line per framework run; sum them.
  passed="$(echo "$summary" | sed -E 's/.*Passed checks: ([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')"
  failed="$(echo "$summary" | sed -E 's/.*Failed checks: ([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')"
  skipped="$(echo "$summary" | sed -E 's/.*Skipped checks: ([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')"
  printf '  %-28s passed %4d  failed %3d  skipped %3d\n' "$label" "$passed" "$failed" "$skipped"
  CHECKOV_TOTAL_PASSED=$((CHECKOV_TOTAL_PASSED + passed))
  CHECKOV_TOTAL_FAILED=$((CHECKOV_TOTAL_FAILED + failed))
  if [ "$failed" -gt 0 ]; then
    cat "$logf" >&2
  elif [ "$rc" -ne 0 ]; then
    cat "$logf" >&2
    die "checkov ($label) exited $rc with 0 failed checks"
  fi
}

cmd_checkov() {
  require_dirs
  [ -n "$CHECKOV" ] && [ -x "$CHECKOV" ] || die "checkov not found (expected .tools/venv/bin/checkov or checkov on PATH, or set CHECKOV)"
  local env
  for env in "${DEPLOY_ENVS[@]}"; do
    [ -s "$PLAN_DIR/$env.json" ] || die "build/plans/$env.json is missing: run '$0 plan $env' first"
  done
  log "checkov $("$CHECKOV" --version)"
  # Each root is scanned on its own: checkov merges every module call it finds under one -d into
  # one graph, and several roots instantiating the same module confuse its for_each edges (false
  # "no public access block" findings). modules/ holds independent modules, so one scan is right.
  local d
  run_checkov "modules" -d modules --framework terraform --skip-path '\.terraform'
  run_checkov "terraform" -d terraform --framework terraform --skip-path '\.terraform'
  for d in environments/*/; do
    d="${d%/}"
    [ "$d" = environments/common ] && continue
    run_checkov "$d" -d "$d" --framework terraform --skip-path '\.terraform'
  done
  for env in "${DEPLOY_ENVS[@]}"; do
    python3 "$ROOT/scripts/plan_known_after_apply.py" "$PLAN_DIR/$env.json" "$PLAN_DIR/$env.filled.json" ||
      die "scripts/plan_known_after_apply.py failed for build/plans/$env.json"
    run_checkov "plan-$env" -f "$PLAN_DIR/$env.filled.json" --framework terraform_plan \
      --repo-root-for-plan-enrichment "$ROOT"
  done
  log "checkov: $CHECKOV_TOTAL_PASSED passed, $CHECKOV_TOTAL_FAILED failed (logs in build/checkov/)"
  [ "$CHECKOV_TOTAL_FAILED" -eq 0 ] || die "checkov reported $CHECKOV_TOTAL_FAILED failed checks"
}

local_env() {
  MOTO_ENDPOINT="${MOTO_ENDPOINT:-}"
  [ -n "$MOTO_ENDPOINT" ] || die "set MOTO_ENDPOINT (e.g. http://127.0.0.1:5000) to the running moto server"
  curl -fsS -o /dev/null "$MOTO_ENDPOINT/moto-api/" || die "moto is not answering at $MOTO_ENDPOINT"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  unset AWS_PROFILE AWS_SESSION_TOKEN
  local out
  if ! out="$(terraform -chdir=environments/local init -input=false -no-color 2>&1)"; then
    echo "$out" >&2
    die "terraform init failed in environments/local"
  fi
}

cmd_apply_local() {
  local_env
  terraform -chdir=environments/local apply -input=false -auto-approve -no-color -var "moto_endpoint=$MOTO_ENDPOINT"
  mkdir -p "$ROOT/build/local"
  terraform -chdir=environments/local output -json >"$ROOT/build/local/terraform-outputs.json"
  log "outputs for the local stage: build/local/terraform-outputs.json"
}

cmd_destroy_local() {
  local_env
  terraform -chdir=environments/local destroy -input=false -auto-approve -no-color -var "moto_endpoint=$MOTO_ENDPOINT"
  rm -f "$ROOT/build/local/terraform-outputs.json"
}

sha256_hex() { sha256sum "$1" | cut -d' ' -f1; }

# Uploads the zip once, keyed by its digest, with an S3-side SHA-256 checksum so every later
# apply can prove it deploys the same bytes. Prints artifact_sha256=/artifact_key= lines.
cmd_artifact_publish() {
  local zip="$ROOT/build/lambda/bootstrap.zip" sums="$ROOT/build/lambda/SHA256SUMS"
  [ -s "$zip" ] || die "build/lambda/bootstrap.zip is missing (run: make lambda-zip)"
  [ -n "${ARTIFACT_BUCKET:-}" ] || die "set ARTIFACT_BUCKET"
  command -v aws >/dev/null 2>&1 || die "the aws CLI is required to publish the artifact"
  local sha key
  sha="$(sha256_hex "$zip")"
  if [ -s "$sums" ]; then
    grep -q "^$sha " "$sums" || die "build/lambda/SHA256SUMS does not list $sha for bootstrap.zip"
  fi
  key="lambda/$sha/bootstrap.zip"
  if aws s3api head-object --bucket "$ARTIFACT_BUCKET" --key "$key" >/dev/null 2>&1; then
    log "s3://$ARTIFACT_BUCKET/$key already exists (same digest): not re-uploading"
  else
    aws s3api put-object --bucket "$ARTIFACT_BUCKET" --key "$key" --body "$zip" \
      --checksum-algorithm SHA256 --checksum-sha256 "$(hex_to_b64 "$sha")" >/dev/null
    log "uploaded s3://$ARTIFACT_BUCKET/$key"
  fi
  echo "artifact_sha256=$sha"
  echo "artifact_key=$key"
}

hex_to_b64() { python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }

# Real deploy. staging/prod only ever take the artifact by reference (bucket/key/sha256); the
# S3-side checksum is compared with ARTIFACT_SHA256 before planning so a promotion cannot
# silently deploy different bytes.
cmd_apply() {
  local env="${1:-}"
  case "$env" in dev | staging | prod) ;; *) die "apply needs ENV: dev, staging or prod (got '${env}')" ;; esac
  local root="environments/$env"
  local -a backend_args vars
  if [ -f "$root/backend.hcl" ]; then
    backend_args=(-backend-config=backend.hcl)
  elif [ -n "${TF_STATE_BUCKET:-}" ] && [ -n "${TF_STATE_REGION:-}" ]; then
    backend_args=(-backend-config="bucket=$TF_STATE_BUCKET" -backend-config="region=$TF_STATE_REGION")
  else
    die "$root/backend.hcl is missing and TF_STATE_BUCKET/TF_STATE_REGION are not set (see backend.hcl.example)"
  fi

  if [ -n "${ARTIFACT_BUCKET:-}${ARTIFACT_KEY:-}${ARTIFACT_SHA256:-}" ]; then
    [ -n "${ARTIFACT_BUCKET:-}" ] && [ -n "${ARTIFACT_KEY:-}" ] && [ -n "${ARTIFACT_SHA256:-}" ] ||
      die "set all of ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256"
    command -v aws >/dev/null 2>&1 || die "the aws CLI is required to verify the artifact checksum"
    local remote
    remote="$(aws s3api head-object --bucket "$ARTIFACT_BUCKET" --key "$ARTIFACT_KEY" --checksum-mode ENABLED \
      --query ChecksumSHA256 --output text)"
    [ "$remote" = "$(hex_to_b64 "$ARTIFACT_SHA256")" ] ||
      die "s3://$ARTIFACT_BUCKET/$ARTIFACT_KEY has checksum $remote, not the promoted $ARTIFACT_SHA256"
    vars=(-var "artifact_s3_bucket=$ARTIFACT_BUCKET" -var "artifact_s3_key=$ARTIFACT_KEY" -var "artifact_sha256=$ARTIFACT_SHA256")
  elif [ "$env" = "dev" ]; then
    [ -s "$ROOT/build/lambda/bootstrap.zip" ] || die "build/lambda/bootstrap.zip is missing (run: make lambda-zip)"
    vars=(-var "artifact_local_path=$ROOT/build/lambda/bootstrap.zip")
  else
    die "$env takes the artifact by reference only: set ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256"
  fi

  mkdir -p "$PLAN_DIR"
  terraform -chdir="$root" init -input=false -no-color "${backend_args[@]}"
  terraform -chdir="$root" plan -input=false -no-color "${vars[@]}" -out="$PLAN_DIR/$env.deploy.tfplan"
  terraform -chdir="$root" apply -input=false -no-color "$PLAN_DIR/$env.deploy.tfplan"
}

cmd_all() {
  cmd_fmt
  cmd_validate
  cmd_test
  local env
  for env in "${DEPLOY_ENVS[@]}"; do
    cmd_plan "$env"
  done
  cmd_checkov
  log "all Terraform checks passed"
}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
sub="$1"
shift
case "$sub" in
fmt) cmd_fmt ;;
validate) cmd_validate ;;
test) cmd_test ;;
plan) cmd_plan "$@" ;;
checkov) cmd_checkov ;;
apply-local) cmd_apply_local ;;
destroy-local) cmd_destroy_local ;;
apply) cmd_apply "$@" ;;
artifact-publish) cmd_artifact_publish ;;
all) cmd_all ;;
-h | --help | help) usage ;;
*) usage ;;
esac
