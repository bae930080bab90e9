import json

import pytest

from lendverify_terraform import plan_checks
from lendverify_terraform.tool import CheckFailed


def resource(rtype, name, values, address=None):
    return {"address": address or f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name, "values": values}


def bucket_set(name, protected, locked=False):
    b = f"aws_s3_bucket.{name}"
    return [
        resource("aws_s3_bucket", name, {"force_destroy": not protected, "object_lock_enabled": locked}),
        resource("aws_s3_bucket_server_side_encryption_configuration", name,
                 {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}),
        resource("aws_s3_bucket_versioning", name, {"versioning_configuration": [{"status": "Enabled"}]}),
        resource("aws_s3_bucket_lifecycle_configuration", name, {}),
        resource("aws_s3_bucket_public_access_block", name, {k: True for k in (
            "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")}),
        resource("aws_s3_bucket_policy", name, {"policy": json.dumps({"Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": b}]})}),
    ]


def plan(env, extra=()):
    protected = env != "dev"
    resources = [
        resource("aws_dynamodb_table", "t", {"point_in_time_recovery": [{"enabled": True}],
                                              "deletion_protection_enabled": protected,
                                              "server_side_encryption": [{"kms_key_arn": "arn:key"}]}),
        resource("aws_cognito_user_pool", "p", {"deletion_protection": "ACTIVE" if protected else "INACTIVE",
                                                 "mfa_configuration": "ON" if env == "prod" else "OPTIONAL"}),
        resource("aws_wafv2_web_acl", "w", {"rule": [{"statement": [{"rate_based_statement": [
            {"aggregate_key_type": "CUSTOM_KEYS", "custom_key": [{"header": [{"name": "authorization"}]}]}]}]}]}),
        resource("aws_cloudwatch_log_group", "g", {"retention_in_days": plan_checks.MIN_LOG_RETENTION[env], "kms_key_id": None}),
        resource("aws_lambda_function", "f", {"s3_key": "k", "filename": None, "source_code_hash": "h", "kms_key_arn": "arn:key",
                                               "reserved_concurrent_executions": 5}),
        resource("aws_dynamodb_table", "audit", {"point_in_time_recovery": [{"enabled": True}],
                                                  "deletion_protection_enabled": protected,
                                                  "server_side_encryption": [{"kms_key_arn": "arn:key"}]}),
        resource("aws_secretsmanager_secret", "webhook", {"kms_key_id": "arn:key"}),
    ]
    resources += [r for n in ("a", "b", "c") for r in bucket_set(n, protected)] + bucket_set("evidence", protected, True)
    resources.append(resource("aws_s3_bucket_object_lock_configuration", "evidence",
                              {"rule": [{"default_retention": [{"mode": "GOVERNANCE", "days": 1827}]}]}))
    if protected:
        # As many alarms as make cost prices (scripts/cost.py CLOUDWATCH_ALARMS).
        resources += [resource("aws_cloudwatch_metric_alarm", f"a{i}", {}) for i in range(plan_checks.cost_model_alarms())]
    resources += list(extra)
    changes = [{"address": r["address"], "mode": "managed", "change": {
        "after": r["values"], "after_unknown": {"kms_key_id": True} if r["type"] == "aws_cloudwatch_log_group" else {}}}
        for r in resources]
    return {"planned_values": {"root_module": {"resources": resources}}, "resource_changes": changes}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_a_sound_plan_passes(env):
    assert "plan checks ok" in plan_checks.check(env, plan(env))


def test_a_wildcard_allow_fails_but_a_wildcard_deny_does_not():
    allow = resource("aws_iam_role_policy", "r", {"policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": ["sqs:*"], "Resource": "*"}]})})
    with pytest.raises(CheckFailed, match=r"wildcard action 'sqs:\*'"):
        plan_checks.check("dev", plan("dev", [allow]))
    assert list(plan_checks.wildcard_allows({"Statement": {"Effect": "Deny", "Action": "*"}})) == []
    assert list(plan_checks.wildcard_allows({"Statement": [{"Effect": "Allow", "NotAction": "*"}]})) == ["*"]


def test_prod_needs_seven_years_of_logs_and_protection():
    p = plan("prod")
    p["planned_values"]["root_module"]["resources"][3]["values"]["retention_in_days"] = 365
    p["planned_values"]["root_module"]["resources"][0]["values"]["deletion_protection_enabled"] = False
    with pytest.raises(CheckFailed) as failure:
        plan_checks.check("prod", p)
    assert "log retention below 2557 days" in str(failure.value)
    assert "table deletion protection must be True" in str(failure.value)


def test_prod_needs_mfa_on():
    p = plan("prod")
    p["planned_values"]["root_module"]["resources"][1]["values"]["mfa_configuration"] = "OPTIONAL"
    with pytest.raises(CheckFailed, match="mfa_configuration must be ON"):
        plan_checks.check("prod", p)


def test_the_audit_table_and_its_key_are_required():
    p = plan("staging")
    resources = p["planned_values"]["root_module"]["resources"]
    p["planned_values"]["root_module"]["resources"] = [r for r in resources if r["name"] != "audit"]
    with pytest.raises(CheckFailed, match=r"2 tables \(applications, audit\)"):
        plan_checks.check("staging", p)
    p = plan("staging")
    p["resource_changes"][6]["change"]["after"] = {"kms_key_id": None}
    with pytest.raises(CheckFailed, match="aws_secretsmanager_secret.webhook: kms_key_id not set"):
        plan_checks.check("staging", p)


def test_a_key_neither_set_nor_known_after_apply_fails():
    p = plan("dev")
    p["resource_changes"][3]["change"]["after_unknown"] = {}
    with pytest.raises(CheckFailed, match="kms_key_id not set"):
        plan_checks.check("dev", p)


def test_quotas_are_required():
    def without(rtype, values):
        p = plan("prod")
        for r in p["planned_values"]["root_module"]["resources"]:
            if r["type"] == rtype:
                r["values"].update(values)
        return p
    with pytest.raises(CheckFailed, match="Authorization header"):
        plan_checks.check("prod", without("aws_wafv2_web_acl", {"rule": []}))
    with pytest.raises(CheckFailed, match="reserved concurrency"):
        plan_checks.check("prod", without("aws_lambda_function", {"reserved_concurrent_executions": -1}))


def test_the_evidence_store_must_be_locked_in_governance_mode():
    p = plan("prod")
    for r in p["planned_values"]["root_module"]["resources"]:
        if r["type"] == "aws_s3_bucket_object_lock_configuration":
            r["values"]["rule"][0]["default_retention"][0]["mode"] = "COMPLIANCE"
    with pytest.raises(CheckFailed, match="GOVERNANCE"):
        plan_checks.check("prod", p)


def test_the_alarms_planned_are_the_alarms_priced():
    p = plan("prod")
    alarms = [r for r in p["planned_values"]["root_module"]["resources"] if r["type"] == "aws_cloudwatch_metric_alarm"]
    p["planned_values"]["root_module"]["resources"].remove(alarms[0])
    with pytest.raises(CheckFailed, match="make cost prices"):
        plan_checks.check("prod", p)
