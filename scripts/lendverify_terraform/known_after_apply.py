"""Make a Terraform plan JSON readable for checkov's plan scan: fill the values that are known after apply.

Used by checkov_scan.py: build/plans/<env>.json -> build/plans/<env>.filled.json.

Why: a plan that creates the KMS key and the buckets in the same run cannot know the key's ARN or the
buckets' IDs yet. Terraform marks such attributes true in `resource_changes[].change.after_unknown` and
leaves them out of (or null in) the planned values, so checkov reads "not set" and fails checks such as
"log group encrypted with KMS" (CKV_AWS_158) although the configuration sets them.

What it does, and nothing more:
  * Only attributes Terraform itself marks known-after-apply (after_unknown == true) AND whose planned value
    is null or absent are touched. Every known value stays exactly as planned, so a setting that the
    configuration really leaves unset (null and NOT known-after-apply) still fails its check.
  * Such an attribute gets the placeholder string "known-after-apply:<address>.<attr>", in
    resource_changes[].change.after and in planned_values (root module and child modules, matched by
    resource address), recursively through nested blocks.
  * aws_s3_bucket.id is resolved instead: the ID of an S3 bucket IS its name, so it takes the planned `bucket`.

What it leaves unknown, on purpose:
  * A top-level attribute whose configuration expression refers to another managed resource (e.g.
    `bucket = aws_s3_bucket.this[each.key].id` in modules/storage). checkov's plan parser puts that
    reference in place of a null value and links the two resources through it: that link is how a bucket
    is judged by its versioning / SSE / lifecycle / logging / public access block resources. A value
    here (placeholder or even the resolved bucket name) would cut the link, and those checks would fail.
  * The inline configuration blocks of aws_s3_bucket (versioning, server_side_encryption_configuration,
    logging, lifecycle_rule, ...). The provider computes them from the separate aws_s3_bucket_* resources;
    a placeholder would satisfy "block exists" checks without any such resource, so the checks must go
    through the linked resources instead.

The output is for scanning only: never apply it. checkov_scan.py writes it next to the plan as
build/plans/<env>.filled.json and scans that copy.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = "known-after-apply:{address}.{attr}"
MODULE_PART = re.compile(r"module\.([^.\[]+)(?:\[[^\]]*\])?")
# The reference checkov's plan parser would substitute: the first one not to a variable or local.
NOT_A_RESOURCE = ("var.", "local.", "each.", "count.", "path.", "terraform.", "self.", "module.", "data.")
# aws_s3_bucket attributes the provider computes from the separate aws_s3_bucket_* resources.
BUCKET_INLINE_BLOCKS = {
    "acceleration_status", "acl", "cors_rule", "grant", "lifecycle_rule", "logging", "object_lock_configuration",
    "policy", "replication_configuration", "request_payer", "server_side_encryption_configuration",
    "versioning", "website",
}


def fill(value: Any, unknown: Any, address: str, path: str, keep: set[str], resolved: dict[str, Any]) -> Any:
    """Return `value` with every known-after-apply null leaf replaced (resolved value or placeholder)."""
    if isinstance(unknown, dict):
        if not isinstance(value, dict):
            return value  # a whole block that is null is not "known after apply"; leave it
        for key, unk in unknown.items():
            attr = f"{path}.{key}" if path else key
            if attr in keep:
                continue
            if unk is True:
                if value.get(key) is None:
                    value[key] = resolved.get(attr, PLACEHOLDER.format(address=address, attr=attr))
            elif isinstance(unk, (dict, list)) and key in value:
                value[key] = fill(value[key], unk, address, attr, keep, resolved)
        return value
    if isinstance(unknown, list) and isinstance(value, list):
        out = list(value)
        for i, unk in enumerate(unknown[: len(value)]):
            attr = f"{path}[{i}]"
            if unk is True:
                if out[i] is None:
                    out[i] = PLACEHOLDER.format(address=address, attr=attr)
            else:
                out[i] = fill(out[i], unk, address, attr, keep, resolved)
        return out
    return value


def module_config(configuration: dict[str, Any], module_address: str | None) -> dict[str, Any]:
    conf = configuration.get("root_module", {})
    for name in MODULE_PART.findall(module_address or ""):
        conf = conf.get("module_calls", {}).get(name, {}).get("module", {})
    return conf


def referenced_attributes(rc: dict[str, Any], configuration: dict[str, Any]) -> set[str]:
    """Top-level attributes whose expression refers to a managed resource (checkov links through them)."""
    own = f'{rc["type"]}.{rc["name"]}'
    conf = next((r for r in module_config(configuration, rc.get("module_address")).get("resources", [])
                 if r.get("address") == own), None)
    out = set()
    for attr, expr in ((conf or {}).get("expressions") or {}).items():
        if not isinstance(expr, dict):
            continue
        refs = [r for r in expr.get("references") or [] if not r.startswith(("var.", "local."))]
        if refs and not refs[0].startswith(NOT_A_RESOURCE):
            out.add(attr)
    return out


def walk_modules(module: dict[str, Any]):
    yield module
    for child in module.get("child_modules", []):
        yield from walk_modules(child)


def fill_plan(plan: dict[str, Any]) -> tuple[int, int, int]:
    """Fill `plan` in place; return (resources filled, managed resources, resources keeping reference links)."""
    changes = {rc["address"]: rc for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"}
    configuration = plan.get("configuration", {})

    keep: dict[str, set[str]] = {}
    resolved: dict[str, dict[str, Any]] = {}
    for address, rc in changes.items():
        keep[address] = referenced_attributes(rc, configuration)
        resolved[address] = {}
        if rc["type"] == "aws_s3_bucket":
            keep[address] |= BUCKET_INLINE_BLOCKS
            after = rc["change"].get("after") or {}
            # An S3 bucket's ID is its name.
            if (rc["change"].get("after_unknown") or {}).get("id") is True and isinstance(after.get("bucket"), str):
                resolved[address]["id"] = after["bucket"]

    filled = 0
    for address, rc in changes.items():
        after = rc["change"].get("after")
        if isinstance(after, dict):
            before = json.dumps(after, sort_keys=True)
            fill(after, rc["change"].get("after_unknown") or {}, address, "", keep[address], resolved[address])
            filled += before != json.dumps(after, sort_keys=True)
    for module in walk_modules(plan.get("planned_values", {}).get("root_module", {})):
        for resource in module.get("resources", []):
            rc = changes.get(resource.get("address"))
            if rc is None or not isinstance(resource.get("values"), dict):
                continue
            address = rc["address"]
            fill(resource["values"], rc["change"].get("after_unknown") or {}, address, "", keep[address], resolved[address])

    linked = sum(1 for a in keep.values() if a - BUCKET_INLINE_BLOCKS)
    return filled, len(changes), linked


def fill_file(src: str, dst: str) -> str:
    """Write the filled copy of the plan JSON at `src` to `dst`; return a one-line summary."""
    with open(src) as f:
        plan = json.load(f)
    filled, total, linked = fill_plan(plan)
    with open(dst, "w") as f:
        json.dump(plan, f)
    return (f"{src} -> {dst}: known-after-apply values filled in {filled} of {total} resources; "
            f"{linked} resources keep their reference links")
