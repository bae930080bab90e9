"""What each environment's offline plan must contain, checked on the resources it would really create.

Why here: `terraform test` with a mocked provider checks the wiring of variables into modules; this
checks the planned resources themselves, after every default, module and environment setting has been
applied, so a module that ignored a setting would show up here and nowhere else.

Each property is enforced once, in the place best suited to it. Properties deliberately NOT checked here:
  * staging/prod deploy only a promoted artifact, and keep S3 access logs: terraform/variables.tf refuses
    any other input (validations on `artifact` and `s3_access_log_bucket`, tested in terraform/tests), so a
    plan that violates them cannot exist.
  * which functions exist and what they are called: function_list.py compares the Terraform map, the
    OpenAPI template and routes.rs by name (a count here would only repeat it less precisely).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from .tool import CheckFailed

# The log retention each environment must keep at least (days): a year is the floor for any environment
# handling applicant data; prod keeps seven years, the lending record-keeping period.
MIN_LOG_RETENTION = {"dev": 365, "staging": 365, "prod": 2557}
# Environments that protect their data: deletion protection, no force_destroy, alarms.
PROTECTED = ("staging", "prod")
# Environments whose applicants must all enrol MFA (the user pool's mfa_configuration = "ON").
MFA_REQUIRED = ("prod",)
# Encryption settings whose key ARN is unknown until apply (the key is created in the same plan), so
# they are read from resource_changes: set, or marked known-after-apply.
CUSTOMER_MANAGED_KEY = (
    ("aws_cloudwatch_log_group", "kms_key_id", None),
    ("aws_lambda_function", "kms_key_arn", None),
    ("aws_sns_topic", "kms_master_key_id", None),
    ("aws_sqs_queue", "kms_master_key_id", None),
    ("aws_dynamodb_table", "kms_key_arn", "server_side_encryption"),
    ("aws_secretsmanager_secret", "kms_key_id", None),
)


def walk(module: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from walk(child)


def wildcard_allows(document: Mapping[str, Any]) -> Iterable[str]:
    """Allowed actions "*" or "<service>:*" in one policy document. Deny statements may use them (the
    TLS-only bucket policies must cover every present and future action)."""
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") == "Deny":
            continue
        for key in ("Action", "NotAction"):
            actions = statement.get(key, [])
            for action in [actions] if isinstance(actions, str) else actions:
                if action == "*" or action.endswith(":*"):
                    yield action


def policy_documents(resources: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for r in resources:
        for attr, value in (r.get("values") or {}).items():
            if isinstance(value, str) and value.lstrip().startswith("{") and '"Statement"' in value:
                yield f"{r['address']}.{attr}", json.loads(value)


def cost_model_alarms() -> int:
    """The alarm count `make cost` prices: CLOUDWATCH_ALARMS in scripts/cost.py, read without running it."""
    tree = ast.parse((Path(__file__).resolve().parents[1] / "cost.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CLOUDWATCH_ALARMS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise CheckFailed("scripts/cost.py has no CLOUDWATCH_ALARMS")


def check(env: str, plan: Mapping[str, Any]) -> str:
    """Raise CheckFailed listing every problem; return a one-line summary when there is none."""
    resources = list(walk(plan["planned_values"]["root_module"]))
    data = list(walk(plan.get("prior_state", {}).get("values", {}).get("root_module", {})))
    changes = {rc["address"]: rc["change"] for rc in plan["resource_changes"] if rc["mode"] == "managed"}
    problems: list[str] = []

    def of_type(rtype: str) -> list[Mapping[str, Any]]:
        return [r for r in resources if r["type"] == rtype]

    def expect(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    # No wildcard Allow in any policy document known at plan time: the one place that sees every module's
    # documents as planned (key policy, bucket/topic/queue policies, roles). The functions' own statements
    # are refused earlier by modules/lambda_function's policy_statements validation, where they are written.
    documents = 0
    for where, document in policy_documents(resources + data):
        documents += 1
        problems += [f"{where}: wildcard action {a!r}" for a in wildcard_allows(document)]

    tables, buckets = of_type("aws_dynamodb_table"), of_type("aws_s3_bucket")
    functions = of_type("aws_lambda_function")
    protected = env in PROTECTED

    # Data protection as planned (the environment tests only see the switches the stack was given).
    expect(all(t["values"]["point_in_time_recovery"][0]["enabled"] for t in tables), "PITR must be on")
    expect(all(t["values"]["deletion_protection_enabled"] == protected for t in tables),
           f"table deletion protection must be {protected}")
    expect(all(b["values"]["force_destroy"] == (not protected) for b in buckets),
           f"bucket force_destroy must be {not protected}")
    expect(all((p["values"]["deletion_protection"] == "ACTIVE") == protected for p in of_type("aws_cognito_user_pool")),
           "user pool deletion protection")
    if env in MFA_REQUIRED:
        expect(all(p["values"].get("mfa_configuration") == "ON" for p in of_type("aws_cognito_user_pool")),
               "user pool mfa_configuration must be ON")
    # One artifact: bootstrap dispatches on _HANDLER, so every function must run the same bytes.
    expect(len({(f["values"].get("s3_key"), f["values"].get("filename"), f["values"].get("source_code_hash"))
                for f in functions}) == 1, "every function must deploy the same artifact")
    acls, alarms = of_type("aws_wafv2_web_acl"), of_type("aws_cloudwatch_metric_alarm")
    expect(len(acls) == 1, f"WAF web ACL count {len(acls)} (wanted 1: every AWS environment runs the WAF)")
    # Quotas (issue 12): one signed-in user's budget beside one address's, and a ceiling on every function.
    expect(all(any(
        rbs.get("aggregate_key_type") == "CUSTOM_KEYS" and any(
            (h.get("name") or "").lower() == "authorization" for k in rbs.get("custom_key") or [] for h in k.get("header") or [])
        for r in a["values"].get("rule") or [] for st in r.get("statement") or [] for rbs in st.get("rate_based_statement") or [])
        for a in acls), "the web ACL needs a rate-based rule keyed on the Authorization header (CUSTOM_KEYS)")
    expect(all((f["values"].get("reserved_concurrent_executions") or -1) >= 1 for f in functions),
           "every function needs reserved concurrency (>= 1)")
    expect((len(alarms) > 0) == protected, f"alarm count {len(alarms)}")
    if protected:
        priced = cost_model_alarms()
        expect(len(alarms) == priced,
               f"alarm count {len(alarms)}, but make cost prices {priced} (scripts/cost.py CLOUDWATCH_ALARMS)")
    retention = MIN_LOG_RETENTION[env]
    expect(all(g["values"]["retention_in_days"] >= retention for g in of_type("aws_cloudwatch_log_group")),
           f"log retention below {retention} days")

    # The customer-managed key on everything that takes one; checkov reads these through the placeholders
    # known_after_apply.py writes, so this is the independent check on the real plan.
    for rtype, attr, nested in CUSTOMER_MANAGED_KEY:
        for r in of_type(rtype):
            change = changes[r["address"]]
            after, unknown = change.get("after") or {}, change.get("after_unknown") or {}
            if nested:
                after = (after.get(nested) or [{}])[0]
                unknown = (unknown.get(nested) or [{}])[0] if isinstance(unknown.get(nested), list) else {}
            if not (after.get(attr) or unknown.get(attr) is True):
                problems.append(f"{r['address']}: {attr} not set (must use the customer-managed key)")

    # Every data bucket: SSE-KMS by default, versioning, lifecycle, a full public access block, TLS-only policy.
    sse = of_type("aws_s3_bucket_server_side_encryption_configuration")
    expect(len(sse) == len(buckets) and all(
        c["values"]["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms" for c in sse),
        "every bucket needs default SSE-KMS")
    versioning = of_type("aws_s3_bucket_versioning")
    expect(len(versioning) == len(buckets) and all(
        v["values"]["versioning_configuration"][0]["status"] == "Enabled" for v in versioning),
        "every bucket needs versioning")
    expect(len(of_type("aws_s3_bucket_lifecycle_configuration")) == len(buckets), "every bucket needs a lifecycle configuration")
    blocks = of_type("aws_s3_bucket_public_access_block")
    expect(len(blocks) == len(buckets) and all(all(p["values"][k] for k in (
        "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")) for p in blocks),
        "every bucket needs a full public access block")
    expect(len(of_type("aws_s3_bucket_policy")) == len(buckets), "every bucket needs its TLS-only policy")
    expect(len(buckets) == 4 and len(tables) == 2,
           f"expected 4 buckets (uploads, biometrics, textract output, evidence) and 2 tables (applications, audit), "
           f"got {len(buckets)} and {len(tables)}")
    # The evidence store (issue 12): Object Lock on, every new version locked in GOVERNANCE mode.
    locks = of_type("aws_s3_bucket_object_lock_configuration")
    expect(sum(1 for b in buckets if b["values"].get("object_lock_enabled")) == 1 and len(locks) == 1 and all(
        d.get("mode") == "GOVERNANCE" and (d.get("days") or 0) >= 1
        for lock in locks for rule in lock["values"].get("rule") or [] for d in rule.get("default_retention") or []),
        "the evidence bucket needs Object Lock with a GOVERNANCE default retention")

    if problems:
        raise CheckFailed(f"plan checks failed for {env}:\n  " + "\n  ".join(problems))
    return (f"plan checks ok: {len(resources)} resources, {documents} known policy documents without a wildcard "
            f"Allow; deletion protection {protected}, WAF {len(acls)}, alarms {len(alarms)}, log retention >= {retention} d")
