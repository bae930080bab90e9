"""Verify a LendVerify decision event webhook (Standard Webhooks, HMAC-SHA256).

Python standard library only. Call verify() with the secret (the `whsec_...` string from
Secrets Manager), the request headers and the raw request body, before parsing the body.
It raises InvalidSignature unless one v1 signature matches and the timestamp is within five
minutes of now. Dedupe on the `webhook-id` header: a retried delivery repeats it.
"""

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    """The request is not a genuine, recent delivery: answer 400 and do not process it."""


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise InvalidSignature(f"missing {name} header")


def verify(secret, headers, body, now=None):
    """Return the webhook-id of a genuine delivery; raise InvalidSignature otherwise.

    secret:  "whsec_<base64 key>"
    headers: a mapping of header names (any case) to values
    body:    the raw body as bytes, exactly as received
    """
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise InvalidSignature("webhook-timestamp is not a number") from None
    now = time.time() if now is None else now
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        raise InvalidSignature("webhook-timestamp is not within 5 minutes of now")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # Space-separated "v1,<base64>" entries: during a secret rotation there may be two.
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return msg_id
    raise InvalidSignature("no webhook-signature matches")
