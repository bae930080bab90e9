"""Signs a user in to a Cognito user pool with SRP and returns the ID token.

InitiateAuth and RespondToAuthChallenge are unsigned calls, so plain HTTPS (AWS JSON 1.1) is
enough and a deploy job needs no SDK. On the local stage the endpoint is moto's.
"""
from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request

from .srp import SrpSignIn

_TARGET_PREFIX = "AWSCognitoIdentityProviderService."


class SignInFailed(Exception):
    """Cognito refused the sign-in, or asked for something a smoke test cannot give."""


def regional_endpoint(region: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/"


def _call(endpoint: str, operation: str, body: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        endpoint,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": _TARGET_PREFIX + operation},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            problem = json.loads(error.read() or b"{}")
        except ValueError:
            problem = {}
        # __type is "NotAuthorizedException" or "namespace#NotAuthorizedException".
        code = str(problem.get("__type", f"HTTP {error.code}")).rsplit("#", 1)[-1]
        message = problem.get("message") or problem.get("Message") or ""
        raise SignInFailed(f"Cognito {operation}: {code}: {message}".rstrip(": ")) from None


def sign_in(
    endpoint: str, user_pool_id: str, client_id: str, username: str, password: str, timeout: float
) -> str:
    """The ID token of `username` (what the API's Cognito authorizer accepts)."""
    srp = SrpSignIn(user_pool_id)
    challenge = _call(
        endpoint,
        "InitiateAuth",
        {"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": {"USERNAME": username, "SRP_A": srp.srp_a}},
        timeout,
    )
    if challenge.get("ChallengeName") != "PASSWORD_VERIFIER":
        raise SignInFailed(f"expected the PASSWORD_VERIFIER challenge, got {challenge.get('ChallengeName')!r}")
    answer = {
        "ClientId": client_id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": srp.password_verifier_responses(
            challenge["ChallengeParameters"], username, password, datetime.datetime.now(datetime.timezone.utc)
        ),
    }
    if "Session" in challenge:
        answer["Session"] = challenge["Session"]
    result = _call(endpoint, "RespondToAuthChallenge", answer, timeout)
    if "AuthenticationResult" not in result:
        raise SignInFailed(
            f"Cognito asked for {result.get('ChallengeName')!r} after the password: the smoke-test user must "
            "sign in with a password alone (no MFA, a permanent password: admin-set-user-password --permanent)"
        )
    return result["AuthenticationResult"]["IdToken"]
