"""The contract test: schemathesis against a running local stage, as two users.

    python tests/contract/contract.py <work-dir>/stage.json <report-dir>

1. Renders modules/api/openapi.yaml.tftpl (scripts/render_openapi.py) with the stage's web origin.
2. Creates two confirmed users in moto's Cognito and writes their ID tokens as a Web Fuzzing
   Commons auth file, so schemathesis can also replay one user's reads as the other
   (object_level_authorization).
3. Runs schemathesis (all checks, every phase including the stateful one, a fixed seed) with
   tests/contract/hooks.py, which records every 4xx answer to a write and whether moto's tables
   and buckets changed across it.
4. Prints the totals and exits non-zero on any failure, on fewer requests than MIN_REQUESTS, on
   a 5xx, or on a 4xx that wrote anything.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import re
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import boto3

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from render_openapi import render  # noqa: E402  (scripts/ is not a package)

HOOKS = pathlib.Path(__file__).resolve().parent / "hooks.py"
CONFIG = pathlib.Path(__file__).resolve().parent / "schemathesis.toml"
# A failure is reproducible with the same seed (and the same schemathesis, pinned in
# scripts/requirements-contract.txt).
SEED = 20261130
MAX_EXAMPLES = 50
MIN_REQUESTS = 1000
_MOTO_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def id_token(stage: dict, username: str, group: str | None = None) -> str:
    """A new confirmed user of the stage's pool, in `group` if given, signed in."""
    cognito = boto3.client("cognito-idp", endpoint_url=stage["motoUrl"], region_name=stage["region"], **_MOTO_CREDENTIALS)
    password = f"Contract-{secrets.token_urlsafe(12)}-Aa1!"
    cognito.admin_create_user(
        UserPoolId=stage["userPoolId"],
        Username=username,
        UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=stage["userPoolId"], Username=username, Password=password, Permanent=True)
    if group:
        cognito.admin_add_user_to_group(UserPoolId=stage["userPoolId"], Username=username, GroupName=group)
    result = cognito.admin_initiate_auth(
        UserPoolId=stage["userPoolId"],
        ClientId=stage["userPoolClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return result["AuthenticationResult"]["IdToken"]


def wfc_auth(stage: dict) -> dict:
    users = []
    # alice is also a reviewer, so the /review routes are exercised past their 403 (an applicant in
    # the group still sees only her own applications on the applicant routes); bob is not.
    for name, group in (("alice", stage["reviewersGroup"]), ("bob", None)):
        token = id_token(stage, f"contract-{name}-{secrets.token_hex(3)}@example.com", group)
        users.append({"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]})
    return {"schemaVersion": "0.2.0", "auth": users}


RACERS = 20


def idempotency_race(api_url: str, token: str) -> list[tuple[int, str]]:
    """RACERS concurrent POST /applications with one Idempotency-Key: (status, applicationId) each."""
    key = f"race-{secrets.token_hex(8)}"
    body = json.dumps({"applicant": {"givenName": "Ana", "familyName": "Silva", "dateOfBirth": "1990-04-12"}}).encode()
    start = threading.Barrier(RACERS)

    def post(_: int) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{api_url}/applications",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())["applicationId"]
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Retry-After", "")

    with concurrent.futures.ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(post, range(RACERS)))


def totals(report: pathlib.Path) -> dict:
    """Requests and failures from the ndjson event stream schemathesis wrote."""
    requests = server_errors = 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        for interaction in _interactions(event):
            requests += 1
            status = (interaction.get("response") or {}).get("status_code", 0)
            if status >= 500:
                server_errors += 1
    return {"requests": requests, "server_errors": server_errors}


def _interactions(event: dict):
    # ScenarioFinished events carry the recorder with every request/response sent.
    for payload in event.values():
        if isinstance(payload, dict):
            recorder = payload.get("recorder")
            if isinstance(recorder, dict):
                for interaction in (recorder.get("interactions") or {}).values():
                    yield interaction


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    stage = json.loads(pathlib.Path(argv[0]).read_text())
    out = pathlib.Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    schema = out / "openapi.yaml"
    # The stage's CORS origin is its web app's (handlers/local-stage/src/lib.rs).
    schema.write_text(render(stage.get("webUrl") or "http://127.0.0.1"))
    auth = out / "wfc-auth.json"
    users = wfc_auth(stage)
    auth.write_text(json.dumps(users))
    writes_log = out / "4xx-writes.jsonl"
    writes_log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "CONTRACT_MOTO_URL": stage["motoUrl"],
        "CONTRACT_REGION": stage["region"],
        "CONTRACT_WRITES_LOG": str(writes_log),
        "SCHEMATHESIS_HOOKS": "hooks",
        "PYTHONPATH": str(HOOKS.parent),
    }
    command = [
        str(pathlib.Path(sys.executable).parent / "st"),
        "--config-file", str(CONFIG),
        "run",
        str(schema),
        "--url", stage["apiUrl"],
        "--auth-wfc", str(auth),
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--workers", "1",
        "--request-timeout", "30",
        "--report", "ndjson",
        "--report-dir", str(out),
        "--no-color",
    ]
    print("contract:", " ".join(command), flush=True)
    status = subprocess.run(command, env=env).returncode
    ndjson = next(out.glob("*.ndjson"), None)
    counted = totals(ndjson) if ndjson else {"requests": 0, "server_errors": 0}
    bad_writes = [json.loads(line) for line in writes_log.read_text().splitlines()] if writes_log.exists() else []
    checked = len(bad_writes)
    written = [w for w in bad_writes if w["changed"]]
    print(
        f"\ncontract: {counted['requests']} requests generated, schemathesis exit {status} "
        f"({'0 failures' if status == 0 else 'failures above'}), {counted['server_errors']} 5xx, "
        f"{checked} 4xx answers to writes checked against moto, {len(written)} wrote anything"
    )
    for write in written:
        print(f"contract: a 4xx wrote: {write}", file=sys.stderr)
    # Racing requests with one Idempotency-Key all get the first request's application (201).
    alice = users["auth"][0]["fixedHeaders"][0]["value"].removeprefix("Bearer ")
    answers = idempotency_race(stage["apiUrl"], alice)
    created = {answer for status, answer in answers if status == 201}
    race_ok = all(status == 201 for status, _ in answers) and len(created) == 1
    print(f"contract: {RACERS} racing POST /applications with one Idempotency-Key: "
          f"{sorted({status for status, _ in answers})} statuses, {len(created)} application(s)")
    if not race_ok:
        print(f"contract: the racers did not all get the first answer: {answers}", file=sys.stderr)
        return 1
    if counted["requests"] < MIN_REQUESTS:
        print(f"contract: fewer than {MIN_REQUESTS} requests were generated", file=sys.stderr)
        return 1
    return 0 if status == 0 and counted["server_errors"] == 0 and not written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
