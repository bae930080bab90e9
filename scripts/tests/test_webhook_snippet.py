"""The README's webhook verification snippet is docs/webhooks/verify_signature.py, verbatim, and
that file verifies Standard Webhooks signatures (the specification's own example) and refuses
tampered, foreign and stale requests."""
import base64
import hashlib
import hmac
import importlib.util
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SNIPPET = REPO / "docs" / "webhooks" / "verify_signature.py"
BEGIN = "<!-- webhook-snippet:begin (docs/webhooks/verify_signature.py, verbatim) -->\n```python\n"
END = "```\n<!-- webhook-snippet:end -->"


def load():
    spec = importlib.util.spec_from_file_location("verify_signature", SNIPPET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_quotes_the_snippet_verbatim():
    readme = (REPO / "README.md").read_text()
    assert readme.count(BEGIN) == 1, "README.md lost the webhook-snippet markers"
    start = readme.index(BEGIN) + len(BEGIN)
    end = readme.index(END, start)
    assert readme[start:end] == SNIPPET.read_text(), (
        "the README's verification snippet differs from docs/webhooks/verify_signature.py"
    )


# The example of the Standard Webhooks specification.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HEADERS = {
    "Webhook-Id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "Webhook-Timestamp": "1614265330",
    "Webhook-Signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}
BODY = b'{"test": 2432232314}'
NOW = 1614265330


def test_a_genuine_delivery_verifies_and_names_its_id():
    assert load().verify(SECRET, HEADERS, BODY, now=NOW + 299) == "msg_p5jXN8AQM9LWM0D4loKWxJek"


def test_one_matching_signature_of_several_is_enough():
    headers = dict(HEADERS, **{"Webhook-Signature": "v1,bm90IGl0 " + HEADERS["Webhook-Signature"]})
    assert load().verify(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize(
    "secret,headers,body,now",
    [
        (SECRET, HEADERS, b'{"test": 2432232315}', NOW),  # body changed
        ("whsec_" + base64.b64encode(b"another key").decode(), HEADERS, BODY, NOW),
        (SECRET, dict(HEADERS, **{"Webhook-Id": "msg_other"}), BODY, NOW),
        (SECRET, dict(HEADERS, **{"Webhook-Timestamp": "1614265331"}), BODY, NOW),
        (SECRET, HEADERS, BODY, NOW + 301),  # too old
        (SECRET, HEADERS, BODY, NOW - 301),  # from the future
        (SECRET, dict(HEADERS, **{"Webhook-Signature": "v2," + HEADERS["Webhook-Signature"][3:]}), BODY, NOW),
        (SECRET, {k: v for k, v in HEADERS.items() if k != "Webhook-Id"}, BODY, NOW),
        (SECRET, dict(HEADERS, **{"Webhook-Timestamp": "soon"}), BODY, NOW),
    ],
)
def test_anything_else_is_refused(secret, headers, body, now):
    module = load()
    with pytest.raises(module.InvalidSignature):
        module.verify(secret, headers, body, now=now)


def test_it_checks_what_a_standard_webhooks_signer_signs():
    key = b"lendverify-test-key-0123456789abcdef"
    secret = "whsec_" + base64.b64encode(key).decode()
    body = b'{"id":"e1","type":"review.decided"}'
    mac = hmac.new(key, b"e1.1700000000." + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": "e1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }
    assert load().verify(secret, headers, body, now=1700000000) == "e1"
