"""Offline plans of dev, staging and prod: what each environment would create, without an AWS account.

The environment root and what it sources (modules/, terraform/, the shared root files, the test mocks)
are copied into a temporary tree, so relative module sources resolve and nothing is written into the
working tree. An override file swaps the S3 backend for a local one and points STS at the loopback
stub (sts_stub.py), which also answers the provider's account check; the credentials are fake. The plan uses the root's terraform.tfvars.example with the
artifact replaced: a fixed fixture zip for dev, a placeholder digest laid out as artifact-publish lays
it out for staging and prod, so the stack's artifact validation runs exactly as in a real deploy.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import tempfile
import zipfile

from . import plan_checks
from .sts_stub import ACCOUNT_ID as STUB_ACCOUNT_ID
from .sts_stub import StsStub
from .tool import PLAN_DIR, ROOT, CheckFailed, log, terraform

PLACEHOLDER_SHA256 = "0" * 64
# Relative to the copied root, so the planned `filename` and its hash are the same on every run.
FIXTURE_ZIP = "offline-plan-fixture/bootstrap.zip"
COPIED = ("modules", "terraform", "tests/terraform-mocks", "environments/common")
NOT_COPIED = shutil.ignore_patterns(".terraform", "*.tfstate*", "backend.hcl", "terraform.tfvars")

OVERRIDE = """# Written by lendverify_terraform.offline_plan: offline planning only, never committed.
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {{
    sts = "{sts_url}"
  }}
}}
"""


def offline_environment() -> dict[str, str]:
    """Fake credentials and no profile or config file, so no real account can be reached by accident."""
    env = {
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    return env


def write_fixture_zip(path: pathlib.Path) -> None:
    """A zip with a fixed timestamp: the same bytes (and source_code_hash) on every run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("bootstrap", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(info, "offline plan fixture\n")


def plan_variables(env: str) -> list[str]:
    # allowed_account_ids names the STS stub's account: the provider checks it against GetCallerIdentity
    # as it would against the real account, and prod refuses an empty list (environments/common).
    args = ["-var-file=terraform.tfvars.example", "-var", f'allowed_account_ids=["{STUB_ACCOUNT_ID}"]']
    if env == "dev":
        # dev plans the local-zip path; a real zip is needed because filebase64sha256 reads it.
        args += ["-var", f"artifact_local_path={FIXTURE_ZIP}"]
    else:
        args += [
            "-var", "artifact_s3_bucket=lendverify-artifacts-example",
            "-var", f"artifact_s3_key=lambda/{PLACEHOLDER_SHA256}/bootstrap.zip",
            "-var", f"artifact_sha256={PLACEHOLDER_SHA256}",
        ]
    return args


def plan(env: str) -> pathlib.Path:
    """Plan `env` offline into build/plans/<env>.{tfplan,json}, run its plan checks, return the JSON path."""
    if env not in ("dev", "staging", "prod"):
        raise CheckFailed(f"plan needs ENV: dev, staging or prod (got {env!r})")
    source_root = ROOT / "environments" / env
    if not (source_root / "terraform.tfvars.example").is_file():
        raise CheckFailed(f"environments/{env}/terraform.tfvars.example is missing")
    PLAN_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"lendverify-plan-{env}.") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        for part in (*COPIED, f"environments/{env}"):
            shutil.copytree(ROOT / part, tmp / part, symlinks=True, ignore=NOT_COPIED)
        root = tmp / "environments" / env
        write_fixture_zip(root / FIXTURE_ZIP)
        with StsStub() as sts_url:
            (root / "zz_offline_plan_override.tf").write_text(OVERRIDE.format(sts_url=sts_url))
            log(f"plan {env} (offline, in {tmp})")
            env_vars = offline_environment()
            terraform(root, "init", "-input=false", "-no-color", env=env_vars, unset_profile=True,
                      what=f"terraform init for the offline plan of {env}")
            tfplan = PLAN_DIR / f"{env}.tfplan"
            out = terraform(root, "plan", "-input=false", "-no-color", "-lock=false", *plan_variables(env),
                            f"-out={tfplan}", env=env_vars, unset_profile=True, what=f"terraform plan of {env}")
            summary = next((line for line in out.splitlines() if line.startswith("Plan:")), None)
            if summary is None:
                raise CheckFailed(f"no 'Plan:' summary in the {env} plan output:\n{out}")
            print(f"  {env:8} {summary}")
            shown = terraform(root, "show", "-json", str(tfplan), env=env_vars, unset_profile=True)
    json_path = PLAN_DIR / f"{env}.json"
    json_path.write_text(shown)
    log(f"wrote build/plans/{env}.tfplan and build/plans/{env}.json")
    print(f"  {env:8} {plan_checks.check(env, json.loads(shown))}")
    return json_path
