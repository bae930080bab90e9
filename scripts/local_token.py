#!/usr/bin/env python3
"""Prints a Cognito ID token for a user of the local stage's user pool (moto).

Creates the user on first use (password set, confirmed), adds it to --group
when given (e.g. `reviewers`: the ID token then carries `cognito:groups`), then
signs in with ADMIN_USER_PASSWORD_AUTH. Reads the pool from the running stage's stage.json
unless --moto/--pool/--client are given. Local stage only: moto's user pool.
"""
import argparse
import json
import pathlib
import sys

import boto3

PASSWORD = "Local-Stage-Passw0rd!"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--user", default="alice@example.com")
    parser.add_argument("--stage-file", default=str(pathlib.Path(__file__).resolve().parent.parent / ".tools/local-stage/stage.json"))
    parser.add_argument("--moto")
    parser.add_argument("--pool")
    parser.add_argument("--client")
    parser.add_argument("--group", help="a group of the pool to add the user to (e.g. reviewers)")
    args = parser.parse_args()
    if not (args.moto and args.pool and args.client):
        try:
            stage = json.loads(pathlib.Path(args.stage_file).read_text())
        except FileNotFoundError:
            print(f"no running local stage ({args.stage_file} missing): run `make local` first", file=sys.stderr)
            return 2
        args.moto = args.moto or stage["motoUrl"]
        args.pool = args.pool or stage["userPoolId"]
        args.client = args.client or stage["userPoolClientId"]

    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=args.moto,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    try:
        cognito.admin_get_user(UserPoolId=args.pool, Username=args.user)
    except cognito.exceptions.UserNotFoundException:
        cognito.admin_create_user(
            UserPoolId=args.pool,
            Username=args.user,
            UserAttributes=[{"Name": "email", "Value": args.user}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(UserPoolId=args.pool, Username=args.user, Password=PASSWORD, Permanent=True)
    if args.group:
        cognito.admin_add_user_to_group(UserPoolId=args.pool, Username=args.user, GroupName=args.group)
    result = cognito.admin_initiate_auth(
        UserPoolId=args.pool,
        ClientId=args.client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": args.user, "PASSWORD": PASSWORD},
    )
    print(result["AuthenticationResult"]["IdToken"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
