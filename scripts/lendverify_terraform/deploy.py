"""Deploy steps, kept apart from the quality gate: real applies, artifact publishing, the moto root,
and the CI provider mirror. They share only tool.py's way of running terraform."""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import shutil
import subprocess
import tempfile
import urllib.request

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


def apply(env: str, environ: dict[str, str]) -> None:
    """Real plan and apply of dev|staging|prod with its backend. The artifact is either the promoted one
    (ARTIFACT_BUCKET/KEY/SHA256, whose S3-side checksum must equal the digest) or, when none is given, the
    zip built here; the stack itself refuses a local zip wherever promoted_artifact_only is on (staging,
    prod), so that rule is not repeated here."""
    if env not in ("dev", "staging", "prod"):
        raise CheckFailed(f"apply needs ENV: dev, staging or prod (got {env!r})")
    root = ROOT / "environments" / env
    if (root / "backend.hcl").is_file():
        backend = ["-backend-config=backend.hcl"]
    elif environ.get("TF_STATE_BUCKET") and environ.get("TF_STATE_REGION"):
        backend = [f"-backend-config=bucket={environ['TF_STATE_BUCKET']}", f"-backend-config=region={environ['TF_STATE_REGION']}"]
    else:
        raise CheckFailed(f"environments/{env}/backend.hcl is missing and TF_STATE_BUCKET/TF_STATE_REGION are not set "
                          "(see backend.hcl.example)")
    bucket, key, digest = (environ.get(n, "") for n in ("ARTIFACT_BUCKET", "ARTIFACT_KEY", "ARTIFACT_SHA256"))
    if bucket or key or digest:
        if not (bucket and key and digest):
            raise CheckFailed("set all of ARTIFACT_BUCKET, ARTIFACT_KEY and ARTIFACT_SHA256")
        remote = aws("s3api", "head-object", "--bucket", bucket, "--key", key, "--checksum-mode", "ENABLED",
                     "--query", "ChecksumSHA256", "--output", "text", what="verify the artifact checksum").strip()
        if remote != hex_to_base64(digest):
            raise CheckFailed(f"s3://{bucket}/{key} has checksum {remote}, not the promoted {digest}")
        variables = ["-var", f"artifact_s3_bucket={bucket}", "-var", f"artifact_s3_key={key}", "-var", f"artifact_sha256={digest}"]
    else:
        if not LAMBDA_ZIP.is_file():
            raise CheckFailed("build/lambda/bootstrap.zip is missing (run: make lambda-zip), or pass ARTIFACT_BUCKET/KEY/SHA256")
        variables = ["-var", f"artifact_local_path={LAMBDA_ZIP}"]
    PLAN_DIR.mkdir(parents=True, exist_ok=True)
    tfplan = PLAN_DIR / f"{env}.deploy.tfplan"
    terraform(root, "init", "-input=false", "-no-color", *backend, capture=False)
    terraform(root, "plan", "-input=false", "-no-color", *variables, f"-out={tfplan}", capture=False)
    terraform(root, "apply", "-input=false", "-no-color", str(tfplan), capture=False)


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
