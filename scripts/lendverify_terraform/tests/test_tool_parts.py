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
