"""Deploy steps, kept apart from the quality gate: real applies, artifact publishing, the moto root,
and the CI provider mirror. They share only tool.py's way of running terraform."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import urllib.request
from typing import Mapping

from .tool import BUILD, PLAN_DIR, ROOT, CheckFailed, log, run, terraform

LAMBDA_ZIP = BUILD / "lambda" / "bootstrap.zip"
LAMBDA_SUMS = BUILD / "lambda" / "SHA256SUMS"
LOCAL_ROOT = ROOT / "environments" / "local"
# The provider version every check here was measured with (docs/terraform.md).
MIRRORED_PROVIDER = "5.100.0"


def sha256_hex(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hex_to_base64(digest: str) -> str:
    """S3 reports ChecksumSHA256 base64-encoded; sha256sum prints hex."""
    return base64.b64encode(bytes.fromhex(digest)).decode()


def artifact_key(digest: str) -> str:
    return f"lambda/{digest}/bootstrap.zip"


def aws(*args: str, what: str) -> str:
    if shutil.which("aws") is None:
        raise CheckFailed(f"the aws CLI is required to {what}")
    return run(["aws", *args], what=what)


def artifact_publish(bucket: str) -> tuple[str, str]:
    """Upload the zip once, keyed by its digest, with an S3-side SHA-256 checksum, so every later apply
    can prove it deploys the same bytes. Returns (sha256, key)."""
    if not bucket:
        raise CheckFailed("set ARTIFACT_BUCKET")
    if not LAMBDA_ZIP.is_file() or LAMBDA_ZIP.stat().st_size == 0:
        raise CheckFailed("build/lambda/bootstrap.zip is missing (run: make lambda-zip)")
    digest = sha256_hex(LAMBDA_ZIP)
    if LAMBDA_SUMS.is_file() and not any(line.startswith(f"{digest} ") for line in LAMBDA_SUMS.read_text().splitlines()):
        raise CheckFailed(f"build/lambda/SHA256SUMS does not list {digest} for bootstrap.zip")
    key = artifact_key(digest)
    exists = subprocess.run(["aws", "s3api", "head-object", "--bucket", bucket, "--key", key],
                            capture_output=True, check=False).returncode == 0 if shutil.which("aws") else False
    if exists:
        log(f"s3://{bucket}/{key} already exists (same digest): not re-uploading")
    else:
        aws("s3api", "put-object", "--bucket", bucket, "--key", key, "--body", str(LAMBDA_ZIP),
            "--checksum-algorithm", "SHA256", "--checksum-sha256", hex_to_base64(digest), what="publish the artifact")
        log(f"uploaded s3://{bucket}/{key}")
    return digest, key


def _backend(env: str, environ: Mapping[str, str]) -> list[str]:
    root = ROOT / "environments" / env
    if (root / "backend.hcl").is_file():
        return ["-backend-config=backend.hcl"]
    if environ.get("TF_STATE_BUCKET") and environ.get("TF_STATE_REGION"):
        return [f"-backend-config=bucket={environ['TF_STATE_BUCKET']}", f"-backend-config=region={environ['TF_STATE_REGION']}"]
    raise CheckFailed(f"environments/{env}/backend.hcl is missing and TF_STATE_BUCKET/TF_STATE_REGION are not set "
                      "(see backend.hcl.example)")


def _deploy_root(env: str) -> pathlib.Path:
    if env not in ("dev", "staging", "prod"):
        raise CheckFailed(f"a deploy needs ENV: dev, staging or prod (got {env!r})")
    return ROOT / "environments" / env


def _promoted_artifact(environ: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(bucket, key, sha256) of the promoted zip after checking its S3-side checksum; None when none is set."""
    bucket, key, digest = (environ.get(n, "") for n in ("ARTIFACT_BUCKET", "ARTIFACT_KEY", "ARTIFACT_SHA256"))
    if not (bucket or key or digest):
        return None
    if not (bucket and key and digest):
        raise CheckFailed("set all of ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256")
    remote = aws("s3api", "head-object", "--bucket", bucket, "--key", key, "--checksum-mode", "ENABLED",
                 "--query", "ChecksumSHA256", "--output", "text", what="verify the artifact checksum").strip()
    if remote != hex_to_base64(digest):
        raise CheckFailed(f"s3://{bucket}/{key} has checksum {remote}, not the promoted {digest}")
    return bucket, key, digest


def _artifact_variables(promoted: tuple[str, str, str] | None) -> list[str]:
    if promoted:
        bucket, key, digest = promoted
        return ["-var", f"artifact_s3_bucket={bucket}", "-var", f"artifact_s3_key={key}", "-var", f"artifact_sha256={digest}"]
    if not LAMBDA_ZIP.is_file():
        raise CheckFailed("build/lambda/bootstrap.zip is missing (run: make lambda-zip), or pass ARTIFACT_BUCKET/KEY/SHA256")
    # The stack itself refuses a local zip wherever promoted_artifact_only is on (staging, prod).
    return ["-var", f"artifact_local_path={LAMBDA_ZIP}"]


def apply(env: str, environ: dict[str, str]) -> None:
    """Real plan and apply of dev|staging|prod with its backend in one go, for an operator at a terminal
    (CI splits the two: deploy_plan, a reviewed approval, then deploy_apply). The artifact is either the
    promoted one (ARTIFACT_BUCKET/KEY/SHA256, whose S3-side checksum must equal the digest) or, when none
    is given, the zip built here; the stack itself refuses a local zip wherever promoted_artifact_only is
    on (staging, prod), so that rule is not repeated here."""
    root = _deploy_root(env)
    backend = _backend(env, environ)
    variables = _artifact_variables(_promoted_artifact(environ))
    PLAN_DIR.mkdir(parents=True, exist_ok=True)
    tfplan = PLAN_DIR / f"{env}.deploy.tfplan"
    terraform(root, "init", "-input=false", "-no-color", *backend, capture=False)
    terraform(root, "plan", "-input=false", "-no-color", *variables, f"-out={tfplan}", capture=False)
    terraform(root, "apply", "-input=false", "-no-color", str(tfplan), capture=False)


# The reviewed deploy (CI): the plan job writes these into build/deploy/<env>/ and uploads the directory
# as a workflow artifact; the apply job downloads it to the same place and applies exactly that plan.
PLAN_FILE = "tfplan"
PLAN_TEXT = "plan.txt"
PLAN_MANIFEST = "manifest.json"
# GitHub takes at most 1 MiB of job summary per step; the artifact always holds the whole text.
SUMMARY_LIMIT = 900_000


def deploy_dir(env: str) -> pathlib.Path:
    return BUILD / "deploy" / env


def lock_file(env: str) -> pathlib.Path:
    return ROOT / "environments" / env / ".terraform.lock.hcl"


def _append_github_file(environ: Mapping[str, str], name: str, text: str) -> None:
    """Append to $GITHUB_OUTPUT or $GITHUB_STEP_SUMMARY when running in GitHub Actions."""
    if environ.get(name):
        with open(environ[name], "a", encoding="utf-8") as out:
            out.write(text)


def plan_summary(env: str, manifest: Mapping[str, str], text: str) -> str:
    """The job summary reviewers read before they approve the apply: what, from which bytes, the plan."""
    if len(text) > SUMMARY_LIMIT:
        text = text[:SUMMARY_LIMIT] + "\n[... cut here: the plan artifact holds the whole text]\n"
    fenced = text.replace("~~~", "~ ~ ~")
    return (
        f"## Terraform plan for {env}\n\n"
        f"Approving the `{env}` deployment applies exactly this saved plan (`terraform apply {PLAN_FILE}`, "
        f"SHA-256 `{manifest['plan_sha256']}`): nothing is planned again.\n\n"
        "| what | value |\n| --- | --- |\n"
        f"| commit | `{manifest['commit']}` |\n"
        f"| artifact | `{manifest['artifact_key']}` (SHA-256 `{manifest['artifact_sha256']}`) |\n"
        f"| lock file | `environments/{env}/.terraform.lock.hcl` (SHA-256 `{manifest['lock_sha256']}`) |\n\n"
        f"~~~text\n{fenced}\n~~~\n"
    )


def deploy_plan(env: str, environ: Mapping[str, str]) -> dict[str, str]:
    """Plan step of a reviewed deploy: init with the committed lock file (read-only), plan into
    build/deploy/<env>/tfplan, and write the plan's text and a manifest (digests of the plan, the lock
    file and the artifact) beside it. In GitHub Actions also the step output plan_sha256 and the job
    summary. Returns the manifest."""
    root = _deploy_root(env)
    backend = _backend(env, environ)
    promoted = _promoted_artifact(environ)
    if promoted is None and env != "dev":
        raise CheckFailed(f"{env} deploys only a promoted artifact: set ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256")
    variables = _artifact_variables(promoted)
    out = deploy_dir(env)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tfplan = out / PLAN_FILE
    terraform(root, "init", "-input=false", "-no-color", "-lockfile=readonly", *backend, capture=False)
    terraform(root, "plan", "-input=false", "-no-color", *variables, f"-out={tfplan}", capture=False)
    text = terraform(root, "show", "-no-color", str(tfplan), what="terraform show of the saved plan")
    (out / PLAN_TEXT).write_text(text)
    manifest = {
        "environment": env,
        "commit": environ.get("GITHUB_SHA", ""),
        "plan_sha256": sha256_hex(tfplan),
        "lock_sha256": sha256_hex(lock_file(env)),
        "artifact_key": promoted[1] if promoted else str(LAMBDA_ZIP.relative_to(ROOT)),
        "artifact_sha256": promoted[2] if promoted else sha256_hex(LAMBDA_ZIP),
    }
    (out / PLAN_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    _append_github_file(environ, "GITHUB_OUTPUT", f"plan_sha256={manifest['plan_sha256']}\n")
    _append_github_file(environ, "GITHUB_STEP_SUMMARY", plan_summary(env, manifest, text))
    log(f"saved plan build/deploy/{env}/{PLAN_FILE} (sha256 {manifest['plan_sha256']})")
    return manifest


def check_saved_plan(env: str, environ: Mapping[str, str]) -> dict[str, str]:
    """What must hold before a saved plan is applied, all checked without credentials: the plan file is
    the one the plan job reported (PLAN_SHA256), the lock file is the one it was planned with, and it was
    planned at this commit for the promoted artifact. Returns the manifest."""
    out = deploy_dir(env)
    tfplan, manifest_path = out / PLAN_FILE, out / PLAN_MANIFEST
    if not tfplan.is_file() or not manifest_path.is_file():
        raise CheckFailed(f"build/deploy/{env}/ holds no saved plan (download this run's plan artifact there)")
    manifest = json.loads(manifest_path.read_text())
    expected = environ.get("PLAN_SHA256", "")
    if not expected:
        raise CheckFailed("set PLAN_SHA256 to the digest the plan job reported")
    actual = sha256_hex(tfplan)
    problems = []
    if manifest.get("environment") != env:
        problems.append(f"the saved plan is for {manifest.get('environment')!r}, not {env!r}")
    if actual != expected or manifest.get("plan_sha256") != expected:
        problems.append(f"the saved plan's SHA-256 is {actual}, not the reviewed {expected}")
    if sha256_hex(lock_file(env)) != manifest.get("lock_sha256"):
        problems.append(f"environments/{env}/.terraform.lock.hcl differs from the one the plan was made with")
    if environ.get("GITHUB_SHA") and manifest.get("commit") != environ["GITHUB_SHA"]:
        problems.append(f"the plan was made at commit {manifest.get('commit')!r}, this job runs {environ['GITHUB_SHA']}")
    for name, field in (("ARTIFACT_SHA256", "artifact_sha256"), ("ARTIFACT_KEY", "artifact_key")):
        if environ.get(name) and manifest.get(field) != environ[name]:
            problems.append(f"the plan deploys {field} {manifest.get(field)!r}, not the promoted {environ[name]}")
    if env != "dev" and not (environ.get("ARTIFACT_SHA256") and environ.get("ARTIFACT_KEY")):
        problems.append(f"{env} deploys only a promoted artifact: set ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256")
    if problems:
        raise CheckFailed("refusing to apply the saved plan:\n  " + "\n  ".join(problems))
    return manifest


def deploy_apply(env: str, environ: Mapping[str, str]) -> None:
    """Apply step of a reviewed deploy: after check_saved_plan, confirm the promoted zip still carries its
    S3-side checksum (the same bytes), init with the same lock file (read-only) and backend, and run
    `terraform apply <planfile>`: no new plan and no variables. Terraform itself refuses a saved plan whose
    state has moved on since it was made (stale plan)."""
    root = _deploy_root(env)
    manifest = check_saved_plan(env, environ)
    _promoted_artifact(environ)
    backend = _backend(env, environ)
    terraform(root, "init", "-input=false", "-no-color", "-lockfile=readonly", *backend, capture=False)
    terraform(root, "apply", "-input=false", "-no-color", str(deploy_dir(env) / PLAN_FILE), capture=False)
    log(f"applied the reviewed plan {manifest['plan_sha256']} to {env}")


def _moto_environment(moto_endpoint: str) -> dict[str, str]:
    if not moto_endpoint:
        raise CheckFailed("set MOTO_ENDPOINT (e.g. http://127.0.0.1:5000) to the running moto server")
    try:
        urllib.request.urlopen(f"{moto_endpoint}/moto-api/", timeout=5).close()
    except OSError as error:
        raise CheckFailed(f"moto is not answering at {moto_endpoint}: {error}") from None
    return {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1"}


def apply_local(moto_endpoint: str) -> pathlib.Path:
    """Apply environments/local against moto; its outputs go to build/local/terraform-outputs.json."""
    env = _moto_environment(moto_endpoint)
    terraform(LOCAL_ROOT, "init", "-input=false", "-no-color", env=env, unset_profile=True)
    terraform(LOCAL_ROOT, "apply", "-input=false", "-auto-approve", "-no-color", "-var", f"moto_endpoint={moto_endpoint}",
              env=env, unset_profile=True, capture=False)
    outputs = BUILD / "local" / "terraform-outputs.json"
    outputs.parent.mkdir(parents=True, exist_ok=True)
    outputs.write_text(terraform(LOCAL_ROOT, "output", "-json", env=env, unset_profile=True))
    log("outputs for the local stage: build/local/terraform-outputs.json")
    return outputs


def destroy_local(moto_endpoint: str) -> None:
    env = _moto_environment(moto_endpoint)
    terraform(LOCAL_ROOT, "init", "-input=false", "-no-color", env=env, unset_profile=True)
    terraform(LOCAL_ROOT, "destroy", "-input=false", "-auto-approve", "-no-color", "-var", f"moto_endpoint={moto_endpoint}",
              env=env, unset_profile=True, capture=False)
    (BUILD / "local" / "terraform-outputs.json").unlink(missing_ok=True)


def provider_mirror(target: pathlib.Path) -> None:
    """(CI) fill a filesystem mirror of hashicorp/aws. Runs before terraform-env.sh can find a mirror,
    so it calls terraform directly."""
    if shutil.which("terraform") is None:
        raise CheckFailed("terraform is not on PATH")
    if (target / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pathlib.Path(tmp, "versions.tf").write_text(
            'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
            f'      version = "{MIRRORED_PROVIDER}"\n    }}\n  }}\n}}\n')
        run(["terraform", f"-chdir={tmp}", "providers", "mirror", "-platform=linux_amd64", str(target.resolve())],
            env=dict(os.environ), what="terraform providers mirror")


def apply_and_destroy_on_fresh_moto() -> None:
    """The check behind `make tf-local-apply`: environments/local applies and destroys cleanly against a
    fresh moto on a free loopback port, which this function starts and stops (by its own process)."""
    import socket
    import time

    moto_server = ROOT / ".tools" / "venv" / "bin" / "moto_server"
    if not moto_server.is_file():
        raise CheckFailed("moto_server missing: run make setup")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as moto_log:
        moto = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port)], stdout=moto_log, stderr=moto_log)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            apply_local(endpoint)
            destroy_local(endpoint)
        finally:
            moto.terminate()
            moto.wait(timeout=30)
    print("environments/local: apply and destroy against moto succeeded")
