import hashlib

from lendverify_terraform import checkov_scan, deploy, offline_plan, tool


def test_checkov_summaries_are_summed_and_a_missing_one_is_none():
    output = ("terraform scan results:\n\nPassed checks: 10, Failed checks: 1, Skipped checks: 2\n"
              "secrets scan results:\n\nPassed checks: 5, Failed checks: 0, Skipped checks: 0\n")
    counts = checkov_scan.parse_summary(output)
    assert (counts.passed, counts.failed, counts.skipped) == (15, 1, 2)
    assert checkov_scan.parse_summary("no summary") is None


def test_the_offline_fixture_zip_is_the_same_bytes_every_time(tmp_path):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    offline_plan.write_fixture_zip(a)
    offline_plan.write_fixture_zip(b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_dev_plans_the_local_zip_and_promotion_roots_a_placeholder_digest():
    assert f"artifact_local_path={offline_plan.FIXTURE_ZIP}" in offline_plan.plan_variables("dev")
    staging = offline_plan.plan_variables("staging")
    assert f"artifact_sha256={'0' * 64}" in staging and not any("local_path" in v for v in staging)


def test_the_gate_covers_every_root_but_not_the_shared_root_files():
    dirs = [tool.rel(d) for d in tool.terraform_dirs()]
    assert "terraform" in dirs and "environments/local" in dirs and "modules/stateful" in dirs
    assert "environments/common" not in dirs


def test_s3_checksums_are_base64_of_the_hex_digest():
    digest = hashlib.sha256(b"x").hexdigest()
    assert deploy.hex_to_base64(digest) == "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE="
    assert deploy.artifact_key(digest) == f"lambda/{digest}/bootstrap.zip"


def _saved_plan(tmp_path, monkeypatch, env="prod"):
    """A saved plan as the plan job leaves it in build/deploy/<env>/, with its lock file."""
    import json

    out, lock = tmp_path / "deploy" / env, tmp_path / ".terraform.lock.hcl"
    out.mkdir(parents=True)
    (out / deploy.PLAN_FILE).write_bytes(b"plan bytes")
    lock.write_text("provider lock\n")
    monkeypatch.setattr(deploy, "deploy_dir", lambda e: tmp_path / "deploy" / e)
    monkeypatch.setattr(deploy, "lock_file", lambda e: lock)
    digest = "ab" * 32
    manifest = {"environment": env, "commit": "c0ffee", "plan_sha256": deploy.sha256_hex(out / deploy.PLAN_FILE),
                "lock_sha256": deploy.sha256_hex(lock), "artifact_key": f"lambda/{digest}/bootstrap.zip", "artifact_sha256": digest}
    (out / deploy.PLAN_MANIFEST).write_text(json.dumps(manifest))
    environ = {"PLAN_SHA256": manifest["plan_sha256"], "GITHUB_SHA": "c0ffee", "ARTIFACT_BUCKET": "b",
               "ARTIFACT_KEY": manifest["artifact_key"], "ARTIFACT_SHA256": digest}
    return out, lock, environ


def test_the_reviewed_plan_is_accepted_as_saved(tmp_path, monkeypatch):
    _, _, environ = _saved_plan(tmp_path, monkeypatch)
    assert deploy.check_saved_plan("prod", environ)["commit"] == "c0ffee"


def test_a_swapped_plan_another_lock_file_commit_or_artifact_is_refused(tmp_path, monkeypatch):
    import pytest

    out, lock, environ = _saved_plan(tmp_path, monkeypatch)
    (out / deploy.PLAN_FILE).write_bytes(b"another plan")
    lock.write_text("another lock\n")
    environ.update(GITHUB_SHA="beef", ARTIFACT_SHA256="cd" * 32)
    with pytest.raises(tool.CheckFailed) as failure:
        deploy.check_saved_plan("prod", environ)
    message = str(failure.value)
    for expected in ("not the reviewed", ".terraform.lock.hcl differs", "made at commit", "not the promoted"):
        assert expected in message
    (tmp_path / "deploy" / "staging").mkdir()
    for name in (deploy.PLAN_FILE, deploy.PLAN_MANIFEST):
        (tmp_path / "deploy" / "staging" / name).write_bytes((out / name).read_bytes())
    with pytest.raises(tool.CheckFailed, match="is for 'prod', not 'staging'"):
        deploy.check_saved_plan("staging", environ)


def test_prod_applies_no_saved_plan_without_the_promoted_artifact_or_the_reviewed_digest(tmp_path, monkeypatch):
    import pytest

    _, _, environ = _saved_plan(tmp_path, monkeypatch)
    with pytest.raises(tool.CheckFailed, match="set PLAN_SHA256"):
        deploy.check_saved_plan("prod", {**environ, "PLAN_SHA256": ""})
    without_artifact = {k: v for k, v in environ.items() if not k.startswith("ARTIFACT_")}
    with pytest.raises(tool.CheckFailed, match="deploys only a promoted artifact"):
        deploy.check_saved_plan("prod", without_artifact)


def test_the_plan_summary_names_the_plan_artifact_and_lock_and_is_bounded():
    manifest = {"plan_sha256": "p" * 64, "commit": "c0ffee", "artifact_key": "lambda/x/bootstrap.zip",
                "artifact_sha256": "x" * 64, "lock_sha256": "l" * 64}
    summary = deploy.plan_summary("prod", manifest, "Plan: 1 to add\n~~~\n" + "y" * (deploy.SUMMARY_LIMIT + 10))
    assert "terraform apply tfplan" in summary and "p" * 64 in summary and "lambda/x/bootstrap.zip" in summary
    assert "Plan: 1 to add" in summary and "cut here" in summary and len(summary) < deploy.SUMMARY_LIMIT + 2000
    assert summary.count("~~~") == 2
