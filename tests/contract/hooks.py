"""schemathesis hooks of the contract test: a 4xx answer must not have written anything.

Before every write (POST, PUT, DELETE) a snapshot of moto's DynamoDB tables and S3 buckets is
taken; after a 4xx answer to it a second one is compared with it, and the outcome is appended to
CONTRACT_WRITES_LOG for tests/contract/contract.py to judge. Requests run one at a time
(--workers 1), so nothing else writes in between; the stage's consumer only reacts to Textract
completions, which need an uploaded package that schemathesis cannot upload.
"""
from __future__ import annotations

import json
import os

import boto3
import schemathesis

_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
_WRITES = {"POST", "PUT", "DELETE", "PATCH"}
_clients: dict = {}
_before: dict = {}
# The snapshot taken after the last 4xx answer, while nothing has succeeded since.
_last: dict = {}


def _client(service: str):
    if service not in _clients:
        _clients[service] = boto3.client(
            service, endpoint_url=os.environ["CONTRACT_MOTO_URL"], region_name=os.environ["CONTRACT_REGION"], **_CREDENTIALS
        )
    return _clients[service]


def snapshot() -> dict:
    """Every item of every table and every object version of every bucket."""
    dynamodb, s3 = _client("dynamodb"), _client("s3")
    state: dict = {}
    for table in dynamodb.list_tables()["TableNames"]:
        items = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            items.extend(json.dumps(item, sort_keys=True) for item in page["Items"])
        state[f"dynamodb:{table}"] = sorted(items)
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        versions = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            versions.extend(f"{v['Key']}@{v.get('VersionId')}" for v in page.get("Versions", []) + page.get("DeleteMarkers", []))
        state[f"s3:{name}"] = sorted(versions)
    return state


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.method.upper() in _WRITES:
        # The state after the previous 4xx is still the state now unless something succeeded since.
        _before[id(case)] = _last.pop("state", None) or snapshot()


@schemathesis.hook
def after_call(context, case, response):
    before = _before.pop(id(case), None)
    if not 400 <= response.status_code < 500:
        # Any other answer (a GET of liveness results too) may have written.
        _last.clear()
        return
    if before is None:
        return
    after = snapshot()
    _last["state"] = after
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    with open(os.environ["CONTRACT_WRITES_LOG"], "a") as log:
        record = {"method": case.method, "path": case.formatted_path, "status": response.status_code, "changed": changed}
        log.write(json.dumps(record) + "\n")
