"""Readies a running local stage for the smoke test: a throwaway user in moto's Cognito.

    python -m lendverify_smoke.local_stage <work-dir>/stage.json

prints the SMOKE_* variables as shell assignments (scripts/smoke-local.sh evaluates them). The
user gets a random password and is confirmed, as an operator would prepare the user of a
deployed stage. Local stage only: it talks to moto, never to AWS.
"""
from __future__ import annotations

import json
import pathlib
import secrets
import shlex
import sys

import boto3

# moto accepts any credentials; these keep an ambient AWS profile out of it.
_MOTO_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def create_user(moto_url: str, region: str, user_pool_id: str) -> tuple[str, str]:
    """A new confirmed user with a permanent password; (username, password)."""
    username = f"smoke-{secrets.token_hex(4)}@example.com"
    # Upper, lower, digit and symbol: any Cognito password policy the module sets accepts it.
    password = f"Smoke-{secrets.token_urlsafe(12)}-Aa1!"
    cognito = boto3.client("cognito-idp", endpoint_url=moto_url, region_name=region, **_MOTO_CREDENTIALS)
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True)
    return username, password


def smoke_variables(stage: dict) -> dict[str, str]:
    """The smoke test's environment for the stage described by `make local`'s stage.json."""
    username, password = create_user(stage["motoUrl"], stage["region"], stage["userPoolId"])
    return {
        "SMOKE_API_URL": stage["apiUrl"],
        "SMOKE_USER_POOL_ID": stage["userPoolId"],
        "SMOKE_USER_POOL_CLIENT_ID": stage["userPoolClientId"],
        "SMOKE_REGION": stage["region"],
        "SMOKE_COGNITO_ENDPOINT": stage["motoUrl"],
        "SMOKE_EMULATOR_URL": stage["emulatorUrl"],
        "SMOKE_USERNAME": username,
        "SMOKE_PASSWORD": password,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m lendverify_smoke.local_stage <stage.json>", file=sys.stderr)
        return 2
    stage = json.loads(pathlib.Path(argv[0]).read_text())
    for name, value in smoke_variables(stage).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
